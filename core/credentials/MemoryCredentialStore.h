// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "credentials/CredentialStore.h"

#include <QHash>
#include <QString>

namespace batchmon {

/**
 * A CredentialStore that keeps secrets in this object's memory only: the test double for models
 * and the UI, and the session-only fallback of KeychainCredentialStore.
 *
 * Every future it returns is already finished, so a caller may take result() at once;
 * KeychainCredentialStore relies on that. Secrets are gone when the object is destroyed.
 */
class MemoryCredentialStore : public CredentialStore
{
    Q_OBJECT

public:
    explicit MemoryCredentialStore(QObject *parent = nullptr);
    ~MemoryCredentialStore() override;

    QFuture<CredentialResult> readSecret(const QString &key) override;
    QFuture<CredentialResult> writeSecret(const QString &key, const QString &secret) override;
    QFuture<CredentialResult> removeSecret(const QString &key) override;

    /// False unless setPersistent(true): memory does not survive a restart.
    bool isPersistent() const override;
    /// The note set with setPersistenceNote() (a generic one by default); empty when persistent.
    QString persistenceNote() const override;

    /**
     * Lets a test stand in for a working keychain (true) or a missing one (false, the default).
     * Emits persistenceChanged() when the value changes.
     */
    void setPersistent(bool persistent);
    /// Replaces the note shown while not persistent, e.g. with one that explains why there is no keychain.
    void setPersistenceNote(const QString &note);

private:
    QHash<QString, QString> m_secrets;
    QString m_note;
    bool m_persistent = false;
};

} // namespace batchmon
