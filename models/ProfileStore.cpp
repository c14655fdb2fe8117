// SPDX-License-Identifier: GPL-3.0-or-later
#include "ProfileStore.h"

#include "history/HistoryStore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QPromise>
#include <QSettings>
#include <QStandardPaths>

namespace batchmon {

namespace {

const QString kGroup = QStringLiteral("servers");
const QString kArray = QStringLiteral("profiles");
const QString kLastUsed = QStringLiteral("lastUsed");
const QString kName = QStringLiteral("name");
const QString kUrl = QStringLiteral("url");
const QString kCaFile = QStringLiteral("caFile");
const QString kAllowInsecureHttp = QStringLiteral("allowInsecureHttp");
const QString kKind = QStringLiteral("kind");
/// The `kind` of an OpenAI account profile; a batchmon-server profile has no `kind`, as before kinds.
const QString kKindOpenAi = QStringLiteral("openai");

constexpr qint64 kMaxCaFileBytes = 1024 * 1024;

bool isLoopback(const QUrl &url)
{
    const QString host = url.host();
    return host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0 ||
           QHostAddress(host).isLoopback();
}

QFuture<ProfileResult> finished(const ProfileResult &result)
{
    QPromise<ProfileResult> promise;
    promise.start();
    promise.addResult(result);
    promise.finish();
    return promise.future();
}

} // namespace

ProfileStore::ProfileStore(CredentialStore *credentials, QObject *parent)
    : QObject(parent), m_settings(std::make_unique<QSettings>()), m_credentials(credentials)
{
    Q_ASSERT(credentials);
}

ProfileStore::ProfileStore(const QString &iniPath, CredentialStore *credentials, QObject *parent)
    : QObject(parent), m_settings(std::make_unique<QSettings>(iniPath, QSettings::IniFormat)),
      m_credentials(credentials)
{
    Q_ASSERT(credentials);
}

ProfileStore::~ProfileStore() = default;

QString ProfileStore::fileName() const
{
    return m_settings->fileName();
}

QList<ServerProfile> ProfileStore::profiles() const
{
    QList<ServerProfile> result;
    m_settings->beginGroup(kGroup);
    const int size = m_settings->beginReadArray(kArray);
    for (int i = 0; i < size; ++i) {
        m_settings->setArrayIndex(i);
        ServerProfile p;
        p.name = m_settings->value(kName).toString();
        p.kind = m_settings->value(kKind).toString() == kKindOpenAi ? ProfileKind::OpenAiAccount
                                                                    : ProfileKind::BatchmonServer;
        p.serverUrl = QUrl(m_settings->value(kUrl).toString());
        p.caFile = m_settings->value(kCaFile).toString();
        p.allowInsecureHttp = m_settings->value(kAllowInsecureHttp, false).toBool();
        // An entry without a name (edited by hand) cannot be chosen or removed: skip it.
        if (!p.name.isEmpty())
            result.append(p);
    }
    m_settings->endArray();
    m_settings->endGroup();
    return result;
}

QStringList ProfileStore::names() const
{
    QStringList result;
    for (const ServerProfile &p : profiles())
        result.append(p.name);
    return result;
}

std::optional<ServerProfile> ProfileStore::profile(const QString &name) const
{
    const QList<ServerProfile> all = profiles();
    const int i = indexOf(all, name);
    if (i < 0)
        return std::nullopt;
    return all[i];
}

QString ProfileStore::lastUsed() const
{
    const QString name = m_settings->value(kGroup + QLatin1Char('/') + kLastUsed).toString();
    return contains(name) ? name : QString();
}

void ProfileStore::setLastUsed(const QString &name)
{
    if (!name.isEmpty() && !contains(name))
        return;
    const QString before = lastUsed();
    m_settings->setValue(kGroup + QLatin1Char('/') + kLastUsed, name);
    m_settings->sync();
    if (before != name)
        emit lastUsedChanged(name);
}

QString ProfileStore::validateUrl(const QUrl &url, ProfileKind kind)
{
    const QString scheme = url.scheme().toLower();
    const bool schemeOk =
        url.isValid() && (scheme == QLatin1String("https") || scheme == QLatin1String("http"));
    if (kind == ProfileKind::OpenAiAccount) {
        const QString example = defaultOpenAiUrl().toString();
        if (url.isEmpty())
            return tr("Enter the API base URL: %1 for OpenAI, or the address of an OpenAI-compatible "
                      "server.")
                .arg(example);
        if (!schemeOk)
            return tr("The API base URL must start with https:// (or http://), for example %1.").arg(example);
        if (url.host().isEmpty())
            return tr("The API base URL has no host name. Enter it as %1.").arg(example);
        if (!url.userInfo().isEmpty())
            return tr("Leave the user name and password out of the API base URL; the API key goes in the "
                      "key field.");
        if (url.hasQuery() || url.hasFragment())
            return tr("The API base URL must not contain \"?\" or \"#\". Enter the part before /batches, "
                      "for example %1.")
                .arg(example);
        return QString();
    }
    const QString example = QStringLiteral("https://batchmon.example.com:8443");
    if (url.isEmpty())
        return tr("Enter the server's address, for example %1.").arg(example);
    if (!schemeOk)
        return tr("The server address must start with https:// (or http://), for example %1.").arg(example);
    if (url.host().isEmpty())
        return tr("The server address has no host name. Enter it as %1.").arg(example);
    if (!url.userInfo().isEmpty())
        return tr("Leave the user name and password out of the server address; the API token goes in "
                  "the token field.");
    if (url.hasQuery() || url.hasFragment())
        return tr("The server address must not contain \"?\" or \"#\". Enter the server's root address, "
                  "for example %1.")
            .arg(example);
    return QString();
}

QUrl ProfileStore::defaultOpenAiUrl()
{
    return QUrl(QStringLiteral("https://api.openai.com/v1"));
}

QString ProfileStore::openAiStorePath(const QString &profileName)
{
    const QDir folder(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation));
    // Names are unique ignoring case: "Prod" renamed to "prod" keeps its store.
    return folder.filePath(QStringLiteral("openai/") +
                           HistoryStore::fileNameForProfile(profileName.trimmed().toCaseFolded()));
}

QUrl ProfileStore::serverRoot(const QUrl &url)
{
    QString path = url.path();
    const auto chopSlashes = [&path] {
        while (path.endsWith(QLatin1Char('/')))
            path.chop(1);
    };
    chopSlashes();
    for (const QLatin1String suffix : {QLatin1String(ApiClient::kBasePath), QLatin1String("/api")}) {
        if (path.endsWith(suffix, Qt::CaseInsensitive)) {
            path.chop(suffix.size());
            break;
        }
    }
    chopSlashes();
    QUrl root = url;
    root.setPath(path);
    return root;
}

QString ProfileStore::validate(const ServerProfile &profile, const QString &originalName) const
{
    const QString name = profile.name.trimmed();
    if (name.isEmpty())
        return tr("Enter a name for the profile, for example \"Production\".");
    for (const ServerProfile &other : profiles()) {
        if (other.name != originalName && other.name.compare(name, Qt::CaseInsensitive) == 0)
            return tr("There is already a profile named \"%1\". Choose another name, or edit that profile.")
                .arg(other.name);
    }
    const QString url = validateUrl(profile.serverUrl, profile.kind);
    if (!url.isEmpty())
        return url;
    if (profile.serverUrl.scheme().toLower() == QLatin1String("http") && !profile.allowInsecureHttp &&
        !isLoopback(profile.serverUrl)) {
        if (profile.isOpenAi())
            return tr("The API base URL uses plain http, which would send the API key unencrypted over the "
                      "network. Use https, or allow unencrypted http if the network is trusted.");
        return tr("The address uses plain http, which would send the API token unencrypted over the "
                  "network. Use https, or allow unencrypted http if the network is trusted.");
    }
    return QString();
}

QFuture<ProfileResult> ProfileStore::add(const ServerProfile &profile, const QString &token, bool sessionOnly)
{
    return store(QString(), profile, token, sessionOnly);
}

CredentialStore *ProfileStore::holder(const QString &key)
{
    return m_sessionKeys.contains(key) ? static_cast<CredentialStore *>(&m_sessionTokens) : m_credentials;
}

QFuture<ProfileResult> ProfileStore::update(const QString &originalName, const ServerProfile &profile,
                                            const QString &token, bool sessionOnly)
{
    if (!contains(originalName))
        return finished({false, tr("There is no profile named \"%1\" any more.").arg(originalName),
                         m_credentials->isPersistent()});
    return store(originalName, profile, token, sessionOnly);
}

QFuture<ProfileResult> ProfileStore::store(const QString &originalName, const ServerProfile &profile,
                                           const QString &token, bool sessionOnly)
{
    ServerProfile p = profile;
    p.name = p.name.trimmed();
    if (p.isOpenAi())
        p.caFile.clear(); // the OpenAI collector trusts the system's certificate authorities only
    QString invalid = validate(p, originalName);
    if (invalid.isEmpty() && token.trimmed().isEmpty())
        invalid = p.isOpenAi() ? tr("Enter the OpenAI API key (it starts with \"sk-\"). Create one in the "
                                    "OpenAI dashboard under API keys; it needs access to the Batch and "
                                    "Files APIs.")
                               : tr("Enter the API token. An administrator creates one on the server with "
                                    "\"batchmon-server token add NAME --role admin\".");
    if (!invalid.isEmpty())
        return finished({false, invalid, m_credentials->isPersistent()});

    auto promise = std::make_shared<QPromise<ProfileResult>>();
    promise->start();
    QFuture<ProfileResult> future = promise->future();
    auto finish = [promise](const ProfileResult &result) {
        promise->addResult(result);
        promise->finish();
    };
    const QString newKey = credentialKey(p.name);
    const QString oldKey = originalName.isEmpty() ? QString() : credentialKey(originalName);
    CredentialStore *oldHolder = oldKey.isEmpty() ? m_credentials : holder(oldKey);
    CredentialStore *target = sessionOnly ? static_cast<CredentialStore *>(&m_sessionTokens) : m_credentials;
    target->writeSecret(newKey, token.trimmed())
        .then(this, [this, p, originalName, newKey, oldKey, finish, sessionOnly,
                     oldHolder](const CredentialResult &written) {
            if (!written.ok()) {
                ProfileResult refused{
                    false,
                    (p.isOpenAi()
                         ? tr("The profile was not saved because its API key could not be stored. %1")
                         : tr("The profile was not saved because its token could not be stored. %1"))
                        .arg(written.message()),
                    written.isPersistent()};
                refused.keychainRefused = written.error() != CredentialResult::Error::None;
                finish(refused);
                return;
            }
            if (sessionOnly)
                m_sessionKeys.insert(newKey);
            else
                m_sessionKeys.remove(newKey);
            // Another save may have taken the name or removed the original while the keychain answered.
            QString invalid = validate(p, originalName);
            QList<ServerProfile> all = profiles();
            const int at = originalName.isEmpty() ? int(all.size()) : indexOf(all, originalName);
            if (invalid.isEmpty() && at < 0)
                invalid = tr("There is no profile named \"%1\" any more.").arg(originalName);
            if (invalid.isEmpty()) {
                if (at == all.size())
                    all.append(p);
                else
                    all[at] = p;
                writeProfiles(all);
                invalid = settingsError();
            }
            if (!invalid.isEmpty()) {
                if (newKey != oldKey)
                    holder(newKey)->removeSecret(newKey);
                finish({false, invalid, written.isPersistent()});
                return;
            }
            const bool renamed = !originalName.isEmpty() && originalName != p.name;
            if (renamed &&
                m_settings->value(kGroup + QLatin1Char('/') + kLastUsed).toString() == originalName) {
                m_settings->setValue(kGroup + QLatin1Char('/') + kLastUsed, p.name);
                m_settings->sync();
                emit lastUsedChanged(p.name);
            }
            emit profilesChanged();
            const ProfileResult saved{true, written.isPersistent() ? QString() : written.message(),
                                      written.isPersistent()};
            if (oldKey.isEmpty() || oldKey == newKey) {
                finish(saved);
                return;
            }
            // The token now lives under the new name; the old key must not keep a copy.
            m_sessionKeys.remove(oldKey);
            oldHolder->removeSecret(oldKey).then(this, [saved, finish](const CredentialResult &removed) {
                ProfileResult result = saved;
                if (!removed.ok())
                    result.message = tr("The profile was renamed, but the token under its old name could not "
                                        "be removed from the keychain. %1")
                                         .arg(removed.message());
                finish(result);
            });
        });
    return future;
}

QFuture<ProfileResult> ProfileStore::remove(const QString &name)
{
    if (!contains(name))
        return finished(
            {false, tr("There is no profile named \"%1\".").arg(name), m_credentials->isPersistent()});
    auto promise = std::make_shared<QPromise<ProfileResult>>();
    promise->start();
    QFuture<ProfileResult> future = promise->future();
    // The token goes first: a profile whose token could not be removed stays listed, so that the
    // user can try again rather than leave a secret nobody knows about in the keychain.
    const QString key = credentialKey(name);
    holder(key)->removeSecret(key).then(this, [this, name, key, promise](const CredentialResult &removed) {
        ProfileResult result{removed.ok(), QString(), removed.isPersistent()};
        if (removed.ok())
            m_sessionKeys.remove(key);
        if (!removed.ok()) {
            result.message = tr("The profile \"%1\" was kept because its token could not be removed from "
                                "the keychain. %2")
                                 .arg(name, removed.message());
        } else {
            QList<ServerProfile> all = profiles();
            const int at = indexOf(all, name);
            if (at >= 0) {
                const bool wasLastUsed =
                    m_settings->value(kGroup + QLatin1Char('/') + kLastUsed).toString() == name;
                all.removeAt(at);
                writeProfiles(all);
                if (wasLastUsed)
                    m_settings->remove(kGroup + QLatin1Char('/') + kLastUsed);
                m_settings->sync();
                result.message = settingsError();
                result.ok = result.message.isEmpty();
                emit profilesChanged();
                if (wasLastUsed)
                    emit lastUsedChanged(QString());
            }
        }
        promise->addResult(result);
        promise->finish();
    });
    return future;
}

QFuture<CredentialResult> ProfileStore::readToken(const QString &name)
{
    const QString key = credentialKey(name);
    return holder(key)->readSecret(key);
}

QString ProfileStore::credentialKey(const QString &name)
{
    // Names are unique ignoring case, and some keychains (Windows) compare keys ignoring case.
    return QStringLiteral("server-profile/") + name.trimmed().toCaseFolded();
}

Result<QList<QSslCertificate>, QString> ProfileStore::loadCaCertificates(const QString &path)
{
    const QString shown = QDir::toNativeSeparators(path);
    const QFileInfo info(path);
    if (path.isEmpty())
        return tr("No CA file was given.");
    if (!info.exists())
        return tr("The CA file %1 does not exist. Choose the file that holds the server's CA certificate "
                  "(PEM or DER), or leave the field empty to trust the system's certificate authorities "
                  "only.")
            .arg(shown);
    if (info.isDir())
        return tr("%1 is a folder. Choose the CA certificate file in it.").arg(shown);
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return tr("The CA file %1 cannot be read (%2). Check its permissions.")
            .arg(shown, file.errorString());
    if (file.size() > kMaxCaFileBytes)
        return tr("The CA file %1 is larger than 1 MiB, too large for a certificate file. Choose the "
                  "server's "
                  "CA certificate (PEM or DER).")
            .arg(shown);
    const QByteArray data = file.readAll();
    QList<QSslCertificate> certificates = QSslCertificate::fromData(data, QSsl::Pem);
    if (certificates.isEmpty())
        certificates = QSslCertificate::fromData(data, QSsl::Der);
    certificates.removeIf([](const QSslCertificate &c) { return c.isNull(); });
    if (!certificates.isEmpty())
        return certificates;
    if (data.contains("PRIVATE KEY-----"))
        return tr("%1 holds a private key, not a certificate. Choose the CA certificate (a PEM file with "
                  "\"-----BEGIN CERTIFICATE-----\", or DER), and keep the key secret.")
            .arg(shown);
    return tr("%1 is not a certificate file: it holds no PEM (\"-----BEGIN CERTIFICATE-----\") or DER "
              "certificate. Choose the server's CA certificate.")
        .arg(shown);
}

Result<ApiClientOptions, QString> ProfileStore::clientOptions(const ServerProfile &profile,
                                                              const QString &token)
{
    ApiClientOptions options;
    options.serverUrl = serverRoot(profile.serverUrl);
    options.token = token.trimmed();
    options.allowInsecureHttp = profile.allowInsecureHttp;
    if (!profile.caFile.isEmpty()) {
        auto certificates = loadCaCertificates(profile.caFile);
        if (!certificates.ok())
            return certificates.error();
        options.extraCaCertificates = certificates.value();
    }
    return options;
}

void ProfileStore::writeProfiles(const QList<ServerProfile> &profiles)
{
    m_settings->beginGroup(kGroup);
    m_settings->remove(kArray); // a shorter array would otherwise keep the old entries past its size
    m_settings->beginWriteArray(kArray, int(profiles.size()));
    for (int i = 0; i < profiles.size(); ++i) {
        const ServerProfile &p = profiles[i];
        m_settings->setArrayIndex(i);
        m_settings->setValue(kName, p.name);
        // A server profile is written as before kinds existed, so older versions read it unchanged.
        if (p.isOpenAi())
            m_settings->setValue(kKind, kKindOpenAi);
        else
            m_settings->remove(kKind);
        m_settings->setValue(kUrl, p.serverUrl.toString());
        if (p.caFile.isEmpty())
            m_settings->remove(kCaFile);
        else
            m_settings->setValue(kCaFile, p.caFile);
        m_settings->setValue(kAllowInsecureHttp, p.allowInsecureHttp);
    }
    m_settings->endArray();
    m_settings->endGroup();
    m_settings->sync();
}

QString ProfileStore::settingsError() const
{
    switch (m_settings->status()) {
    case QSettings::NoError:
        return QString();
    case QSettings::AccessError:
        return tr("The settings file %1 cannot be written. Check its permissions and that the disk is not "
                  "full.")
            .arg(QDir::toNativeSeparators(m_settings->fileName()));
    case QSettings::FormatError:
        return tr("The settings file %1 is damaged. Move it away and add the profiles again.")
            .arg(QDir::toNativeSeparators(m_settings->fileName()));
    }
    return QString();
}

int ProfileStore::indexOf(const QList<ServerProfile> &profiles, const QString &name)
{
    for (int i = 0; i < profiles.size(); ++i) {
        if (profiles[i].name == name)
            return i;
    }
    return -1;
}

} // namespace batchmon
