// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ProfileStore.h"
#include "api/ApiError.h"

#include <QDialog>
#include <QPointer>

#include <optional>

class QCheckBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QNetworkAccessManager;
class QProgressBar;
class QPushButton;
class QRadioButton;
class QToolButton;

namespace batchmon {

class ApiClient;

/**
 * "Connect to a server…": a connection profile's kind — a batchmon-server, or an OpenAI account watched
 * by the app itself — and its name, address, secret and (servers) optional CA file. The choice of kind
 * relabels the fields: a server has an address and an API token, an OpenAI account an API base URL and
 * an API key. The connection is tested before the profile can be saved (a server's dashboard, or the
 * account's batch list), and a failure is explained in words an admin can act on. Editing the kind,
 * address, secret, CA file or the http permission after a test asks for a new one. Save stores the
 * profile through ProfileStore, the secret in its CredentialStore.
 */
class ConnectDialog : public QDialog
{
    Q_OBJECT

public:
    enum class TestState
    {
        NotTested, ///< no test of the current values yet
        Testing,   ///< a test is under way
        Succeeded, ///< the current values reached the server
        Failed,    ///< the last test of the current values failed; statusText() says why
    };
    Q_ENUM(TestState)

    /// How long a test waits for the server.
    static constexpr int kTestTimeoutMs = 15000;

    /**
     * A dialog for a new profile when @p profileName is empty; otherwise for editing that profile,
     * prefilled, its token read from the credential store.
     */
    explicit ConnectDialog(ProfileStore *profiles, const QString &profileName = QString(),
                           QWidget *parent = nullptr);
    ~ConnectDialog() override;

    /// The profile as the fields describe it.
    ServerProfile profile() const;
    /// What the profile connects to, as chosen at the top.
    ProfileKind kind() const;
    /// Chooses the kind, as a click on its button does.
    void setKind(ProfileKind kind);
    /// The profile being edited; empty for a new one.
    QString originalName() const { return m_originalName; }
    /// The name the profile was saved under; empty until it was.
    QString savedName() const { return m_savedName; }

    TestState testState() const { return m_state; }
    /// What the last test (or save) said: the outcome, or the failure explained.
    QString statusText() const;
    /// The error of the last failed test, when it came from the server or the network.
    const std::optional<ApiError> &lastError() const { return m_lastError; }

    /// The sentence that explains @p error for the connection described by @p profile.
    static QString explain(const ApiError &error, const ServerProfile &profile);

    QRadioButton *serverKindButton() const { return m_serverKind; }
    QRadioButton *openAiKindButton() const { return m_openAiKind; }
    /// The line under the kind that says what it does.
    QLabel *introLabel() const { return m_intro; }
    QLabel *urlLabel() const { return m_urlLabel; }
    QLabel *tokenLabel() const { return m_tokenLabel; }
    QLineEdit *nameEdit() const { return m_name; }
    QLineEdit *urlEdit() const { return m_url; }
    QLineEdit *tokenEdit() const { return m_token; }
    QLineEdit *caFileEdit() const { return m_caFile; }
    QCheckBox *allowHttpBox() const { return m_allowHttp; }
    /// Shown when the keychain refused the token: saves the profile with the token kept in memory.
    QPushButton *keepForSessionButton() const { return m_keepForSession; }
    QPushButton *testButton() const { return m_test; }
    QPushButton *saveButton() const { return m_save; }

public slots:
    /// Tests the current values: GET the dashboard with a one-job page.
    void testConnection();
    /// Saves the profile; only after a successful test of the current values.
    void save();
    /// Stops the test under way and closes the dialog.
    void reject() override;

signals:
    /// A test ended (not when it was stopped).
    void testFinished(bool ok);
    /// The token of the edited profile was read (or could not be); the fields are all editable.
    void tokenLoaded(bool ok);
    /// The profile was stored under @p name.
    void saved(const QString &name);

private:
    struct ConnectionValues
    {
        ProfileKind kind = ProfileKind::BatchmonServer;
        QString url;
        QString token;
        QString caFile;
        bool allowInsecureHttp = false;
        bool operator==(const ConnectionValues &o) const
        {
            return kind == o.kind && url == o.url && token == o.token && caFile == o.caFile &&
                   allowInsecureHttp == o.allowInsecureHttp;
        }
    };

    ConnectionValues connectionValues() const;
    void onConnectionEdited();
    void onUrlEdited();
    /// Labels, placeholders and rows for the kind chosen.
    void applyKind();
    /// The OpenAI account's test: its first page of batches, through the collector's provider.
    void testOpenAi(const ServerProfile &profile, const ConnectionValues &values);
    void browseCaFile();
    void abortTest();
    void finishTest(bool ok, const QString &message);
    void setState(TestState state);
    void showStatus(const QString &text, bool ok);
    void updatePersistenceNote();
    void fitHeight();
    bool httpToAnotherHost() const;

    ProfileStore *m_profiles;
    QString m_originalName;
    QString m_savedName;
    QNetworkAccessManager *m_nam;
    QPointer<ApiClient> m_client;
    quint64 m_generation = 0; ///< bumped by every test and abort; a late answer to an old one is dropped
    TestState m_state = TestState::NotTested;
    std::optional<ConnectionValues> m_tested; ///< the values the last successful test used
    QString m_testedMessage;                  ///< what that test said
    std::optional<ApiError> m_lastError;
    bool m_nameEdited = false;
    bool m_saving = false;
    bool m_saveAfterTest = false;
    bool m_sessionOnly = false;              ///< the user chose to keep the token for this session only
    QPushButton *m_keepForSession = nullptr; ///< Save was pressed before a test passed: test, then save

    QRadioButton *m_serverKind;
    QRadioButton *m_openAiKind;
    QLabel *m_intro;
    QLabel *m_urlLabel = nullptr;
    QLabel *m_tokenLabel = nullptr;
    QLabel *m_caLabel = nullptr;
    QLineEdit *m_name;
    QLineEdit *m_url;
    QLineEdit *m_token;
    QToolButton *m_showToken;
    QLabel *m_persistenceNote;
    QLineEdit *m_caFile;
    QPushButton *m_browse;
    QCheckBox *m_allowHttp;
    QLabel *m_httpNote;
    QPushButton *m_test;
    QProgressBar *m_busy;
    QLabel *m_statusIcon;
    QLabel *m_status;
    QDialogButtonBox *m_buttons;
    QPushButton *m_save;
    QPushButton *m_cancel;
};

} // namespace batchmon
