// SPDX-License-Identifier: GPL-3.0-or-later
#include "ApiError.h"

#include <QCoreApplication>

namespace batchmon {

namespace {

QString tr(const char *text, const char *disambiguation = nullptr, int n = -1)
{
    return QCoreApplication::translate("batchmon::ApiError", text, disambiguation, n);
}

} // namespace

QString ApiError::userMessage() const
{
    const QString detail = message.isEmpty() ? QString() : QStringLiteral(" (") + message + QLatin1Char(')');
    switch (kind) {
    case Kind::InvalidUrl:
        return tr("The server address is not valid. Enter it as https://host:port.") + detail;
    case Kind::InsecureUrl:
        return tr("The server address uses plain http, which would send the access token unencrypted. "
                  "Use https, or allow unencrypted connections for this profile if the network is trusted.");
    case Kind::Offline:
        return tr("Cannot reach the server. Check the address, that batchmon-server is running, and the "
                  "network connection.") +
               detail;
    case Kind::Timeout:
        return tr("The server did not answer in time. It may be overloaded or the network may be slow; "
                  "batchmon will try again.");
    case Kind::Tls:
        return tr("The secure connection failed: the server's certificate could not be verified. If the "
                  "server uses its own certificate authority, add its CA file to the profile.") +
               detail;
    case Kind::Unauthorized:
        return tr("The server refused the access token. Enter a valid token in the profile (an admin can "
                  "create one with \"batchmon-server token add NAME\").");
    case Kind::Forbidden:
        return tr("This token may only view data. Ask an admin for a token with the admin role to do this.");
    case Kind::NotFound:
        return tr("Not found on the server: the job may have been purged, or the address is not a "
                  "batchmon server.") +
               detail;
    case Kind::Conflict:
        return tr("The server refused the action in the job's current state.") + detail;
    case Kind::RateLimited:
        if (retryAfterSeconds)
            return tr("Too many requests: the server asks to wait %n second(s) before trying again.", nullptr,
                      *retryAfterSeconds);
        return tr("Too many requests: the server asks to slow down.");
    case Kind::BadRequest:
        return tr("The server refused the request.") + detail;
    case Kind::ServerError:
        return tr("The server had an internal error (HTTP %1). Try again later, or check the server's log.")
                   .arg(httpStatus) +
               detail;
    case Kind::BadResponse:
        return tr("The server's answer is not a valid batch-monitoring response (%1). It may not be a "
                  "batchmon server, or it speaks another version of the API.")
            .arg(path.isEmpty() ? message : path + QStringLiteral(": ") + message);
    case Kind::ResponseTooLarge:
        return tr("The server's answer is larger than batchmon accepts. Ask for fewer jobs per page.");
    case Kind::Cancelled:
        return tr("The request was cancelled.");
    }
    Q_UNREACHABLE();
    return {};
}

bool ApiError::isTransient() const
{
    switch (kind) {
    case Kind::Offline:
    case Kind::Timeout:
    case Kind::RateLimited:
        return true;
    case Kind::ServerError:
        return httpStatus == 502 || httpStatus == 503 || httpStatus == 504;
    default:
        return false;
    }
}

QString ApiError::kindName(Kind kind)
{
    switch (kind) {
    case Kind::InvalidUrl:
        return QStringLiteral("invalid-url");
    case Kind::InsecureUrl:
        return QStringLiteral("insecure-url");
    case Kind::Offline:
        return QStringLiteral("offline");
    case Kind::Timeout:
        return QStringLiteral("timeout");
    case Kind::Tls:
        return QStringLiteral("tls");
    case Kind::Unauthorized:
        return QStringLiteral("unauthorized");
    case Kind::Forbidden:
        return QStringLiteral("forbidden");
    case Kind::NotFound:
        return QStringLiteral("not-found");
    case Kind::Conflict:
        return QStringLiteral("conflict");
    case Kind::RateLimited:
        return QStringLiteral("rate-limited");
    case Kind::BadRequest:
        return QStringLiteral("bad-request");
    case Kind::ServerError:
        return QStringLiteral("server-error");
    case Kind::BadResponse:
        return QStringLiteral("bad-response");
    case Kind::ResponseTooLarge:
        return QStringLiteral("response-too-large");
    case Kind::Cancelled:
        return QStringLiteral("cancelled");
    }
    return {};
}

} // namespace batchmon
