// SPDX-License-Identifier: GPL-3.0-or-later
#include "credentials/CredentialResult.h"

namespace batchmon {

CredentialResult CredentialResult::success(bool persistent, const QString &note)
{
    CredentialResult result;
    result.m_error = Error::None;
    result.m_persistent = persistent;
    result.m_message = note;
    return result;
}

CredentialResult CredentialResult::found(const QString &secret, bool persistent, const QString &note)
{
    CredentialResult result = success(persistent, note);
    result.m_secret = secret;
    return result;
}

CredentialResult CredentialResult::failure(Error error, bool persistent, const QString &detail)
{
    CredentialResult result;
    result.m_error = error;
    result.m_persistent = persistent;
    // The messages live here rather than in each store so that the keychain and its test double
    // tell the user the same thing.
    switch (error) {
    case Error::None:
        // A failure without an error is a programming mistake; report it rather than pass it off
        // as success.
        result.m_error = Error::Other;
        result.m_message = tr("The token could not be handled because of an internal error.");
        break;
    case Error::NotFound:
        result.m_message = tr("No API token is stored for this connection. Enter the token in the connection "
                              "settings.");
        break;
    case Error::AccessDenied:
        result.m_message = tr("The system keychain refused access to the API token. Unlock the keychain (or "
                              "allow batchmon to use it) and try again.");
        break;
    case Error::NoBackend:
        result.m_message = tr("No system keychain is available (is gnome-keyring or KWallet running?). Start "
                              "one and try again.");
        break;
    case Error::Other:
        result.m_message =
            detail.isEmpty()
                ? tr("The system keychain reported an error. Try again; if it keeps failing, "
                     "restart the keychain service.")
                : tr("The system keychain reported an error: %1. Try again; if it keeps failing, "
                     "restart the keychain service.")
                      .arg(detail);
        break;
    }
    return result;
}

} // namespace batchmon
