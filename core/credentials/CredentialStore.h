// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "credentials/CredentialResult.h"

#include <QFuture>
#include <QObject>
#include <QString>

namespace batchmon {

/**
 * Where the API tokens of connection profiles are kept: the system keychain in the app, memory in
 * tests and when no keychain is available.
 *
 * Every operation returns a QFuture because the system keychain answers asynchronously (over
 * D-Bus on Linux). Continue with QFuture::then(context, ...) in the app, or wait with
 * QTRY_VERIFY(future.isFinished()) in a test. A future whose store is destroyed before the answer
 * arrives is cancelled and carries no result.
 *
 * A secret is never logged and never written to settings or any other plain file: where no
 * keychain is available it is kept for the session only, isPersistent() is false and
 * persistenceNote() says what that means for the user.
 */
class CredentialStore : public QObject
{
    Q_OBJECT
    Q_PROPERTY(bool persistent READ isPersistent NOTIFY persistenceChanged)

public:
    explicit CredentialStore(QObject *parent = nullptr);
    ~CredentialStore() override;

    /// The secret stored under @p key; Error::NotFound when there is none.
    virtual QFuture<CredentialResult> readSecret(const QString &key) = 0;
    /// Stores @p secret under @p key, replacing what was there.
    virtual QFuture<CredentialResult> writeSecret(const QString &key, const QString &secret) = 0;
    /// Forgets the secret under @p key. Succeeds when there was none: the outcome is the same.
    virtual QFuture<CredentialResult> removeSecret(const QString &key) = 0;

    /// Whether a secret written now is still there after the app restarts.
    virtual bool isPersistent() const = 0;
    /// What the user must know when isPersistent() is false; empty when it is true.
    virtual QString persistenceNote() const = 0;

signals:
    /// isPersistent() changed, e.g. the keychain turned out to be unreachable.
    void persistenceChanged(bool persistent);

protected:
    /// A future that already holds @p result, for stores that answer synchronously.
    static QFuture<CredentialResult> finishedFuture(const CredentialResult &result);
};

} // namespace batchmon
