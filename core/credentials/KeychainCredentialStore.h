// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "credentials/CredentialStore.h"
#include "credentials/MemoryCredentialStore.h"

#include <QString>

namespace batchmon {

/**
 * A CredentialStore in the system keychain through QtKeychain: the Secret Service (gnome-keyring,
 * KWallet) on Linux, the Keychain on macOS, the Credential Manager on Windows.
 *
 * QtKeychain's plain-text fallback is always off. When the keychain turns out to be unreachable
 * (no Secret Service on the session bus, no session bus at all), the store switches to
 * session-only mode for the rest of its life: the operation that found out, and every later one,
 * is served by an internal MemoryCredentialStore, isPersistent() becomes false,
 * persistenceChanged(false) is emitted and results carry persistenceNote(). The switch is one-way
 * so that a profile's token is never split between the keychain and memory. Session-only secrets
 * belong to this instance: the app should create one store and share it.
 *
 * isPersistent() is true until the keychain has proved unreachable; it is not asked up front,
 * because asking may start the keychain daemon or show an unlock prompt.
 */
class KeychainCredentialStore : public CredentialStore
{
    Q_OBJECT

public:
    /// The keychain service name used unless another is given: "batchmon".
    static QString defaultService();

    /// A store under defaultService().
    explicit KeychainCredentialStore(QObject *parent = nullptr);
    /// A store under @p service, the keychain's namespace for keys (tests use a unique one).
    explicit KeychainCredentialStore(const QString &service, QObject *parent = nullptr);
    ~KeychainCredentialStore() override;

    /// The keychain service name secrets are stored under.
    QString service() const;

    QFuture<CredentialResult> readSecret(const QString &key) override;
    QFuture<CredentialResult> writeSecret(const QString &key, const QString &secret) override;
    QFuture<CredentialResult> removeSecret(const QString &key) override;

    bool isPersistent() const override;
    /// Empty while the keychain works; afterwards, that no keychain is available and what that means.
    QString persistenceNote() const override;

private:
    enum class Operation
    {
        Read,
        Write,
        Remove
    };

    QFuture<CredentialResult> run(Operation operation, const QString &key, const QString &secret);
    QFuture<CredentialResult> runInSession(Operation operation, const QString &key, const QString &secret);
    void switchToSessionOnly(const QString &reason);

    QString m_service;
    MemoryCredentialStore m_session;
    bool m_persistent = true;
};

} // namespace batchmon
