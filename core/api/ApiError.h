// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "util/Result.h"
#include "json/Codec.h"

#include <QNetworkReply>
#include <QString>

#include <optional>

namespace batchmon {

/**
 * Why an API call failed, in classes the UI can explain and act on. `userMessage()` is the sentence
 * the dashboard shows; the other fields are for deciding what to do (retry, ask for a token, …).
 */
struct ApiError
{
    enum class Kind
    {
        InvalidUrl,       ///< the server URL is not an http(s) URL with a host
        InsecureUrl,      ///< plain http to a host that is not loopback, without explicit permission
        Offline,          ///< connection refused, host not found, network down, connection dropped
        Timeout,          ///< no bytes from the server within the transfer timeout
        Tls,              ///< certificate or handshake failure (verification is never switched off)
        Unauthorized,     ///< 401: no token, or the token is wrong or revoked
        Forbidden,        ///< 403: the token's role may not do this (viewer)
        NotFound,         ///< 404: no such job / event, or the URL is not a batchmon server
        Conflict,         ///< 409: the action is not allowed in the job's current status
        RateLimited,      ///< 429: `retryAfterSeconds` says when to try again
        BadRequest,       ///< 400, 405, 413: the server refused what we sent
        ServerError,      ///< 5xx
        BadResponse,      ///< the response is not what docs/api.md promises; `path` says where
        ResponseTooLarge, ///< over the client's response size cap
        Cancelled,        ///< aborted by the client (profile switched, window closed)
    };

    Kind kind = Kind::ServerError;
    int httpStatus = 0; ///< 0 when no HTTP response arrived
    QNetworkReply::NetworkError networkError = QNetworkReply::NoError;
    QString code;    ///< the server's error code ("invalid_transition"), when it sent one
    QString message; ///< the server's or the network's own words, for details and logs
    QString path;    ///< BadResponse: JSON path of the offending value
    /// BadRequest: the server's `error.parameter`, the query parameter or the body's JSON path it
    /// refused ("rules[1].threshold"), so a form can mark the field
    QString parameter;
    std::optional<int> retryAfterSeconds; ///< from Retry-After (429, 503)
    int attempts = 1;                     ///< how many times the call was sent

    /// A sentence for the user: what happened and what to do about it.
    QString userMessage() const;
    /// True for the errors a later identical call may not meet (network, timeout, 429, 502–504).
    bool isTransient() const;
    static QString kindName(Kind kind);
};

template<typename T> using ApiResult = Result<T, ApiError>;

} // namespace batchmon
