// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QCoreApplication>
#include <QObject>
#include <QString>

namespace batchmon {

/**
 * The outcome of one CredentialStore operation: whether it worked, the secret for a read, why it
 * failed, a message for the user, and whether the store keeps secrets across a restart.
 *
 * There is deliberately no QDebug operator: a read result carries the secret, and secrets must
 * never reach a log.
 */
class CredentialResult
{
    Q_GADGET
    Q_DECLARE_TR_FUNCTIONS(batchmon::CredentialResult)

public:
    /// Why an operation failed; None when it succeeded.
    enum class Error
    {
        None,         ///< The operation succeeded.
        NotFound,     ///< No secret is stored under the key: the normal answer to a read of a new profile.
        AccessDenied, ///< A keychain exists but refused access (locked, or the user declined).
        NoBackend,    ///< No keychain exists and the store has nowhere else to keep the secret.
        Other,        ///< Anything else; the message carries the keychain's own description.
    };
    Q_ENUM(Error)

    /// Error::Other without a message, so that a result nobody filled in never passes for a success.
    CredentialResult() = default;

    /**
     * A write or remove that worked. @p persistent tells whether the store survives a restart;
     * @p note is the store's persistenceNote() when it does not, so the caller can show it at once.
     */
    static CredentialResult success(bool persistent, const QString &note = QString());
    /// A read that found @p secret; @p persistent and @p note as for success().
    static CredentialResult found(const QString &secret, bool persistent, const QString &note = QString());
    /**
     * A failed operation. The message tells the user what to do about @p error; @p detail (the
     * keychain's own error text, never a secret) is appended for Error::Other.
     */
    static CredentialResult failure(Error error, bool persistent, const QString &detail = QString());

    /// True when the operation did what was asked (a read found a secret).
    bool ok() const { return m_error == Error::None; }
    /// Error::None on success.
    Error error() const { return m_error; }
    /// The secret a successful read found; empty otherwise.
    const QString &secret() const { return m_secret; }
    /**
     * What the user should be told: for a failure, what went wrong and what to do; for a success
     * kept for this session only, the store's persistence note; empty for a plain success.
     */
    const QString &message() const { return m_message; }
    /// Whether the store that answered keeps secrets across a restart.
    bool isPersistent() const { return m_persistent; }

private:
    Error m_error = Error::Other;
    QString m_secret;
    QString m_message;
    bool m_persistent = false;
};

} // namespace batchmon
