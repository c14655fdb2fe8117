// SPDX-License-Identifier: GPL-3.0-or-later
#include "credentials/KeychainCredentialStore.h"

#include <QLoggingCategory>
#include <QPromise>
#include <QStringList>

#include <qt6keychain/keychain.h>

#ifdef BATCHMON_HAVE_QTDBUS
#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDBusReply>
#endif

#include <memory>

namespace batchmon {

namespace {

Q_LOGGING_CATEGORY(lcCredentials, "batchmon.credentials")

/**
 * Whether some keychain service can be reached on the session bus.
 *
 * On Linux QtKeychain reports an unreachable bus or Secret Service as OtherError with a GLib or
 * QtDBus message in the user's language, the same code it uses for a keychain that is there but
 * failed. Only the first should switch to session-only storage, so ask the bus itself.
 */
bool keychainServiceReachable()
{
#ifdef BATCHMON_HAVE_QTDBUS
    const QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected())
        return false;
    const QDBusConnectionInterface *daemon = bus.interface();
    if (!daemon)
        return false;
    // Running or startable on demand (gnome-keyring installs a D-Bus activation file).
    const QDBusReply<QStringList> running = daemon->registeredServiceNames();
    const QDBusReply<QStringList> activatable = daemon->activatableServiceNames();
    const QStringList services = {
        QStringLiteral("org.freedesktop.secrets"),
        QStringLiteral("org.kde.kwalletd6"),
        QStringLiteral("org.kde.kwalletd5"),
        QStringLiteral("org.kde.kwalletd"),
    };
    for (const QString &service : services) {
        if ((running.isValid() && running.value().contains(service)) ||
            (activatable.isValid() && activatable.value().contains(service)))
            return true;
    }
    return false;
#else
    // Without D-Bus (macOS, Windows) QtKeychain says NoBackendAvailable when there is no keychain,
    // so an OtherError is a real failure.
    return true;
#endif
}

} // namespace

QString KeychainCredentialStore::defaultService()
{
    return QStringLiteral("batchmon");
}

KeychainCredentialStore::KeychainCredentialStore(QObject *parent)
    : KeychainCredentialStore(defaultService(), parent)
{}

KeychainCredentialStore::KeychainCredentialStore(const QString &service, QObject *parent)
    : CredentialStore(parent), m_service(service)
{
    m_session.setPersistenceNote(tr("No system keychain is available (is gnome-keyring or KWallet running?). "
                                    "The token or API key is kept for this session only and must be entered "
                                    "again after restart."));
}

KeychainCredentialStore::~KeychainCredentialStore() = default;

QString KeychainCredentialStore::service() const
{
    return m_service;
}

QFuture<CredentialResult> KeychainCredentialStore::readSecret(const QString &key)
{
    return run(Operation::Read, key, QString());
}

QFuture<CredentialResult> KeychainCredentialStore::writeSecret(const QString &key, const QString &secret)
{
    return run(Operation::Write, key, secret);
}

QFuture<CredentialResult> KeychainCredentialStore::removeSecret(const QString &key)
{
    return run(Operation::Remove, key, QString());
}

bool KeychainCredentialStore::isPersistent() const
{
    return m_persistent;
}

QString KeychainCredentialStore::persistenceNote() const
{
    return m_persistent ? QString() : m_session.persistenceNote();
}

QFuture<CredentialResult> KeychainCredentialStore::run(Operation operation, const QString &key,
                                                       const QString &secret)
{
    if (!m_persistent)
        return runInSession(operation, key, secret);

    // No parent, so that destroying the store never deletes a job in flight: QtKeychain's libsecret
    // callback would then use freed memory. The job deletes itself once finished.
    QKeychain::Job *job = nullptr;
    switch (operation) {
    case Operation::Read:
        job = new QKeychain::ReadPasswordJob(m_service);
        break;
    case Operation::Write: {
        auto *write = new QKeychain::WritePasswordJob(m_service);
        write->setTextData(secret);
        job = write;
        break;
    }
    case Operation::Remove:
        job = new QKeychain::DeletePasswordJob(m_service);
        break;
    }
    job->setKey(key);
    job->setAutoDelete(true);
    // The plain-text fallback writes the secret into QSettings; a missing keychain is handled by
    // session-only storage instead.
    job->setInsecureFallback(false);

    // Owned by the slot below. If the store is destroyed first, the connection and with it the
    // last reference go, and the destroyed QPromise cancels the future instead of leaving it hanging.
    auto promise = std::make_shared<QPromise<CredentialResult>>();
    promise->start();
    QFuture<CredentialResult> future = promise->future();

    connect(
        job, &QKeychain::Job::finished, this, [this, operation, key, secret, promise](QKeychain::Job *done) {
            CredentialResult result;
            switch (done->error()) {
            case QKeychain::NoError:
                result = operation == Operation::Read
                             ? CredentialResult::found(
                                   static_cast<QKeychain::ReadPasswordJob *>(done)->textData(), true)
                             : CredentialResult::success(true);
                break;
            case QKeychain::EntryNotFound:
                // Removing what is not there leaves the keychain as asked.
                result = operation == Operation::Remove
                             ? CredentialResult::success(true)
                             : CredentialResult::failure(CredentialResult::Error::NotFound, true);
                break;
            case QKeychain::AccessDenied:
            case QKeychain::AccessDeniedByUser:
                result = CredentialResult::failure(CredentialResult::Error::AccessDenied, true);
                break;
            case QKeychain::NoBackendAvailable:
            case QKeychain::NotImplemented:
                switchToSessionOnly(done->errorString());
                result = runInSession(operation, key, secret).result();
                break;
            case QKeychain::CouldNotDeleteEntry:
            case QKeychain::OtherError:
                if (keychainServiceReachable()) {
                    result =
                        CredentialResult::failure(CredentialResult::Error::Other, true, done->errorString());
                } else {
                    switchToSessionOnly(done->errorString());
                    result = runInSession(operation, key, secret).result();
                }
                break;
            }
            promise->addResult(result);
            promise->finish();
        });
    job->start();
    return future;
}

QFuture<CredentialResult> KeychainCredentialStore::runInSession(Operation operation, const QString &key,
                                                                const QString &secret)
{
    switch (operation) {
    case Operation::Read:
        return m_session.readSecret(key);
    case Operation::Write:
        return m_session.writeSecret(key, secret);
    case Operation::Remove:
        break;
    }
    return m_session.removeSecret(key);
}

void KeychainCredentialStore::switchToSessionOnly(const QString &reason)
{
    if (!m_persistent)
        return;
    m_persistent = false;
    // The keychain's error text names the bus or service, never the key's secret.
    qCWarning(lcCredentials, "System keychain unreachable (%s); keeping API tokens for this session only",
              qUtf8Printable(reason));
    emit persistenceChanged(false);
}

} // namespace batchmon
