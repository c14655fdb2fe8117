// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "api/ApiClient.h"
#include "credentials/CredentialStore.h"
#include "credentials/MemoryCredentialStore.h"
#include "util/Result.h"

#include <QCoreApplication>
#include <QFuture>
#include <QList>
#include <QObject>
#include <QSet>
#include <QSslCertificate>
#include <QString>
#include <QUrl>

#include <memory>
#include <optional>

class QSettings;

namespace batchmon {

/// What a connection profile connects to.
enum class ProfileKind
{
    BatchmonServer, ///< a batchmon-server over its HTTP API; the secret is an API token
    /// An OpenAI organisation (or any server that speaks OpenAI's Batch API) watched by the app itself:
    /// the collector runs in-process over a local store. The secret is the OpenAI API key.
    OpenAiAccount,
};

/// One connection the app can open: a batchmon-server, or an OpenAI account. The secret (API token or
/// API key) is not here: it lives in the CredentialStore, under ProfileStore::credentialKey(name).
struct ServerProfile
{
    QString name; ///< unique (ignoring case), what the user picks from
    ProfileKind kind = ProfileKind::BatchmonServer;
    /// A server's address (http(s) with a host; an optional path prefix), or an OpenAI account's API
    /// base URL ("https://api.openai.com/v1"), used as it is.
    QUrl serverUrl;
    QString caFile; ///< optional: PEM or DER certificates trusted for this server (servers only)
    bool allowInsecureHttp =
        false; ///< plain http to a host that is not loopback (the token or key travels in clear)

    bool isOpenAi() const { return kind == ProfileKind::OpenAiAccount; }

    bool operator==(const ServerProfile &o) const
    {
        return name == o.name && kind == o.kind && serverUrl == o.serverUrl && caFile == o.caFile &&
               allowInsecureHttp == o.allowInsecureHttp;
    }
    bool operator!=(const ServerProfile &o) const { return !(*this == o); }
};

/// The outcome of ProfileStore::add(), update() or remove().
struct ProfileResult
{
    bool ok = false;
    /// A failure: what went wrong and what to do. A success: the credential store's persistence
    /// note when the token is kept for this session only, otherwise empty.
    QString message;
    /// Whether the token survives a restart (the credential store's answer).
    bool tokenPersistent = false;
    /// The failure was the keychain's (locked, a prompt dismissed): saving for this session only works.
    bool keychainRefused = false;
};

/**
 * The server profiles, in QSettings, and their API tokens, in a CredentialStore. A token is never
 * written to the settings; it is kept under credentialKey(name) and moves with a rename.
 *
 * Writes go to the credential store first and to the settings only when that worked, so a profile
 * in the settings always had its token stored. The "last used" profile is the one the app opens
 * at start; empty means the demo workspace.
 */
class ProfileStore : public QObject
{
    Q_OBJECT

public:
    /// Profiles in the application's default QSettings.
    explicit ProfileStore(CredentialStore *credentials, QObject *parent = nullptr);
    /// Profiles in the ini file @p iniPath (tests use a temporary one).
    ProfileStore(const QString &iniPath, CredentialStore *credentials, QObject *parent = nullptr);
    ~ProfileStore() override;

    CredentialStore *credentials() const { return m_credentials; }
    /// The settings file, for messages ("cannot write …").
    QString fileName() const;

    /// Every profile, in the order they were added.
    QList<ServerProfile> profiles() const;
    QStringList names() const;
    /// The profile named @p name (exactly), if there is one.
    std::optional<ServerProfile> profile(const QString &name) const;
    bool contains(const QString &name) const { return profile(name).has_value(); }

    /// The profile opened at start; empty for the demo workspace (or when it no longer exists).
    QString lastUsed() const;
    /// Remembers @p name (empty: the demo workspace). Ignores a name that is not a profile.
    void setLastUsed(const QString &name);

    /**
     * Why @p profile cannot be saved, or an empty string: a name that is empty or taken (by a
     * profile other than @p originalName, the one being edited), an address that is not http(s)
     * with a host, plain http to another machine without allowInsecureHttp.
     */
    QString validate(const ServerProfile &profile, const QString &originalName = QString()) const;
    /// Why @p url cannot be a server address (or, for @p kind OpenAiAccount, an API base URL), or an
    /// empty string.
    static QString validateUrl(const QUrl &url, ProfileKind kind = ProfileKind::BatchmonServer);
    /// OpenAI's API base URL, what a new OpenAI account profile starts with.
    static QUrl defaultOpenAiUrl();
    /// The local store an OpenAI account profile's collector keeps its batches in:
    /// `<AppDataLocation>/openai/<the name made safe for a file name>.sqlite`.
    static QString openAiStorePath(const QString &profileName);
    /**
     * The server's root for @p url: without a trailing "/", "/api" or "/api/admin/batch-monitoring",
     * which users copy from the API docs or a browser (ApiClient appends the API paths itself, so
     * ".../api" would ask for /api/api/...). Any other path prefix (a reverse proxy's) is kept.
     */
    static QUrl serverRoot(const QUrl &url);

    /// Stores a new profile and its token or API key (which must not be empty).
    /// `sessionOnly`: keep the token in memory for this session instead of the keychain (the user's
    /// choice when the keychain refused it); the profile itself is saved.
    QFuture<ProfileResult> add(const ServerProfile &profile, const QString &token, bool sessionOnly = false);
    /**
     * Replaces the profile @p originalName by @p profile and stores @p token for it. A rename moves
     * the token to the new key and keeps "last used" pointing at the profile.
     */
    QFuture<ProfileResult> update(const QString &originalName, const ServerProfile &profile,
                                  const QString &token, bool sessionOnly = false);
    /// Forgets the profile and removes its token from the credential store.
    QFuture<ProfileResult> remove(const QString &name);
    /// The profile's token (CredentialResult::Error::NotFound when none is stored).
    QFuture<CredentialResult> readToken(const QString &name);

    /// The key the token of the profile @p name is stored under.
    static QString credentialKey(const QString &name);
    /// The certificates in @p path, PEM (one or more) or DER; an error says what is wrong and what to do.
    static Result<QList<QSslCertificate>, QString> loadCaCertificates(const QString &path);
    /// What an ApiClient needs for @p profile with @p token: the CA file loaded, or why it cannot be.
    static Result<ApiClientOptions, QString> clientOptions(const ServerProfile &profile,
                                                           const QString &token);

signals:
    /// A profile was added, changed, renamed or removed.
    void profilesChanged();
    void lastUsedChanged(const QString &name);

private:
    QFuture<ProfileResult> store(const QString &originalName, const ServerProfile &profile,
                                 const QString &token, bool sessionOnly);
    /// Where the token of `key` lives: this session's memory or the credential store.
    CredentialStore *holder(const QString &key);
    void writeProfiles(const QList<ServerProfile> &profiles);
    QString settingsError() const;
    static int indexOf(const QList<ServerProfile> &profiles, const QString &name);

    std::unique_ptr<QSettings> m_settings;
    CredentialStore *m_credentials;
    MemoryCredentialStore m_sessionTokens; ///< tokens the keychain refused, for this session
    QSet<QString> m_sessionKeys;
};

} // namespace batchmon
