// SPDX-License-Identifier: GPL-3.0-or-later
#include "ConnectDialog.h"

#include "api/ApiClient.h"
#include "source/LocalSource.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHostAddress>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QNetworkAccessManager>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>

namespace batchmon {

namespace {

const QString kExampleUrl = QStringLiteral("https://batchmon.example.com:8443");
const QString kTokenPlaceholder = QStringLiteral("bm_…");
const QString kKeyPlaceholder = QStringLiteral("sk-…");

/// How long an OpenAI account's test waits: the key's first page of batches.
constexpr int kOpenAiTestTimeoutMs = 15000;

QLabel *note(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setWordWrap(true);
    // A form row may be given more height than the wrapped text needs: keep the text by its field.
    label->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    QFont font = label->font();
    font.setPointSizeF(font.pointSizeF() * 0.9);
    label->setFont(font);
    return label;
}

} // namespace

ConnectDialog::ConnectDialog(ProfileStore *profiles, const QString &profileName, QWidget *parent)
    : QDialog(parent), m_profiles(profiles), m_originalName(profileName),
      m_nam(new QNetworkAccessManager(this)), m_serverKind(new QRadioButton(tr("batchmon se&rver"), this)),
      m_openAiKind(new QRadioButton(tr("Open&AI account"), this)), m_intro(new QLabel(this)),
      m_name(new QLineEdit(this)), m_url(new QLineEdit(this)), m_token(new QLineEdit(this)),
      m_showToken(new QToolButton(this)), m_persistenceNote(note(QString(), this)),
      m_caFile(new QLineEdit(this)), m_browse(new QPushButton(tr("&Browse…"), this)),
      m_allowHttp(new QCheckBox(tr("Allow unencrypted &http"), this)), m_httpNote(note(QString(), this)),
      m_test(new QPushButton(tr("&Test connection"), this)), m_busy(new QProgressBar(this)),
      m_statusIcon(new QLabel(this)), m_status(new QLabel(this)),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this)),
      m_save(m_buttons->button(QDialogButtonBox::Save)), m_cancel(m_buttons->button(QDialogButtonBox::Cancel))
{
    // What the profile connects to comes first: it decides what the fields below mean.
    m_serverKind->setObjectName(QStringLiteral("serverKind"));
    m_openAiKind->setObjectName(QStringLiteral("openAiKind"));
    m_serverKind->setToolTip(tr("A batchmon-server that runs the pipeline; its administrator gives you the "
                                "address and an API token."));
    m_openAiKind->setToolTip(tr("An OpenAI organisation, watched by batchmon itself on this computer with "
                                "the organisation's API key."));
    m_serverKind->setChecked(true);
    auto *kindLabel = new QLabel(tr("Connect to:"), this);
    auto *kindRow = new QHBoxLayout;
    kindRow->addWidget(kindLabel);
    kindRow->addWidget(m_serverKind);
    kindRow->addWidget(m_openAiKind);
    kindRow->addStretch(1);
    m_intro->setWordWrap(true);
    m_intro->setObjectName(QStringLiteral("intro"));

    m_name->setPlaceholderText(tr("e.g. Production"));
    m_name->setObjectName(QStringLiteral("name"));
    m_url->setPlaceholderText(kExampleUrl);
    m_url->setObjectName(QStringLiteral("url"));
    m_url->setInputMethodHints(Qt::ImhUrlCharactersOnly | Qt::ImhNoAutoUppercase);
    m_token->setEchoMode(QLineEdit::Password);
    m_token->setPlaceholderText(kTokenPlaceholder);
    m_token->setObjectName(QStringLiteral("token"));
    m_token->setInputMethodHints(Qt::ImhHiddenText | Qt::ImhSensitiveData | Qt::ImhNoPredictiveText);
    m_showToken->setText(tr("Sh&ow"));
    m_showToken->setCheckable(true);
    m_showToken->setToolTip(tr("Show the token as text"));
    m_showToken->setFocusPolicy(Qt::StrongFocus);
    m_caFile->setPlaceholderText(tr("Optional: the server's CA certificate (PEM or DER)"));
    m_caFile->setObjectName(QStringLiteral("caFile"));
    m_browse->setAutoDefault(false);
    m_allowHttp->setObjectName(QStringLiteral("allowHttp"));
    m_test->setDefault(true);
    m_busy->setRange(0, 0); // an indeterminate bar: the test's duration is not known
    m_busy->setTextVisible(false);
    m_busy->setMaximumWidth(120);
    m_busy->hide();
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setObjectName(QStringLiteral("status"));
    m_statusIcon->setAlignment(Qt::AlignTop);
    // Always there, empty when there is nothing to mark, so that the text does not shift.
    m_statusIcon->setFixedWidth(style()->pixelMetric(QStyle::PM_SmallIconSize, nullptr, this));
    m_save->setEnabled(false);
    m_save->setText(tr("&Save"));

    // A grid rather than a QFormLayout: the form measured its wrapped notes at a guessed width and
    // left gaps under them.
    auto *form = new QGridLayout;
    form->setColumnStretch(1, 1);
    int row = 0;
    // Each label is its field's buddy, so that its mnemonic moves the focus there.
    const auto addRow = [this, form, &row](const QString &text, QWidget *buddy, QWidget *field,
                                           QWidget *button = nullptr) -> QLabel * {
        QLabel *label = nullptr;
        if (!text.isEmpty()) {
            label = new QLabel(text, this);
            label->setBuddy(buddy);
            form->addWidget(label, row, 0);
        }
        form->addWidget(field, row, 1, 1, button ? 1 : 2);
        if (button)
            form->addWidget(button, row, 2);
        ++row;
        return label;
    };
    addRow(tr("&Name:"), m_name, m_name);
    m_urlLabel = addRow(tr("Server &URL:"), m_url, m_url);
    m_tokenLabel = addRow(tr("API to&ken:"), m_token, m_token, m_showToken);
    addRow(QString(), nullptr, m_persistenceNote);
    m_caLabel = addRow(tr("CA &file:"), m_caFile, m_caFile, m_browse);
    addRow(QString(), nullptr, m_allowHttp);
    addRow(QString(), nullptr, m_httpNote);

    auto *testRow = new QHBoxLayout;
    testRow->addWidget(m_test);
    testRow->addWidget(m_busy);
    testRow->addStretch(1);

    auto *statusRow = new QHBoxLayout;
    statusRow->addWidget(m_statusIcon, 0, Qt::AlignTop);
    statusRow->addWidget(m_status, 1);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(kindRow);
    layout->addWidget(m_intro);
    layout->addSpacing(4);
    layout->addLayout(form);
    layout->addSpacing(4);
    layout->addLayout(testRow);
    layout->addLayout(statusRow);
    layout->addStretch(1);
    layout->addWidget(m_buttons);

    setTabOrder(m_serverKind, m_openAiKind);
    setTabOrder(m_openAiKind, m_name);
    setTabOrder(m_name, m_url);
    setTabOrder(m_url, m_token);
    setTabOrder(m_token, m_showToken);
    setTabOrder(m_showToken, m_caFile);
    setTabOrder(m_caFile, m_browse);
    setTabOrder(m_browse, m_allowHttp);
    setTabOrder(m_allowHttp, m_test);
    setTabOrder(m_test, m_save);
    setTabOrder(m_save, m_cancel);

    connect(m_name, &QLineEdit::textEdited, this, [this] { m_nameEdited = true; });
    connect(m_url, &QLineEdit::textChanged, this, &ConnectDialog::onUrlEdited);
    connect(m_token, &QLineEdit::textChanged, this, &ConnectDialog::onConnectionEdited);
    connect(m_caFile, &QLineEdit::textChanged, this, &ConnectDialog::onConnectionEdited);
    connect(m_allowHttp, &QCheckBox::toggled, this, &ConnectDialog::onConnectionEdited);
    connect(m_showToken, &QToolButton::toggled, this, [this](bool shown) {
        m_token->setEchoMode(shown ? QLineEdit::Normal : QLineEdit::Password);
        m_showToken->setText(shown ? tr("Hi&de") : tr("Sh&ow"));
        applyKind(); // the tooltip names the token or the key
    });
    connect(m_openAiKind, &QRadioButton::toggled, this, [this] {
        const bool openAi = kind() == ProfileKind::OpenAiAccount;
        // The address field starts with OpenAI's, and gives it back when the user changes their mind.
        const QString url = m_url->text().trimmed();
        if (openAi && url.isEmpty())
            m_url->setText(ProfileStore::defaultOpenAiUrl().toString());
        else if (!openAi && url == ProfileStore::defaultOpenAiUrl().toString())
            m_url->clear();
        applyKind();
        onConnectionEdited();
    });
    connect(m_browse, &QPushButton::clicked, this, &ConnectDialog::browseCaFile);
    connect(m_test, &QPushButton::clicked, this, &ConnectDialog::testConnection);
    // When the keychain refuses the token (locked, its prompt dismissed), the profile can still be
    // used: the token is then kept for this session only, and the dialog says so.
    m_keepForSession = m_buttons->addButton(QString(), QDialogButtonBox::ActionRole);
    m_keepForSession->hide();
    connect(m_keepForSession, &QPushButton::clicked, this, [this] {
        m_sessionOnly = true;
        m_keepForSession->hide();
        save();
    });
    connect(m_buttons, &QDialogButtonBox::accepted, this, &ConnectDialog::save);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &ConnectDialog::reject);
    connect(m_profiles->credentials(), &CredentialStore::persistenceChanged, this,
            &ConnectDialog::updatePersistenceNote);
    updatePersistenceNote();

    if (!profileName.isEmpty()) {
        if (const auto existing = m_profiles->profile(profileName)) {
            (existing->isOpenAi() ? m_openAiKind : m_serverKind)->setChecked(true);
            m_name->setText(existing->name);
            m_nameEdited = true;
            m_url->setText(existing->serverUrl.toString());
            m_caFile->setText(existing->caFile);
            m_allowHttp->setChecked(existing->allowInsecureHttp);
        }
        m_token->setEnabled(false);
        m_token->setPlaceholderText(kind() == ProfileKind::OpenAiAccount ? tr("Reading the API key…")
                                                                         : tr("Reading the token…"));
        auto *watcher = new QFutureWatcher<CredentialResult>(this);
        connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
            watcher->deleteLater();
            m_token->setEnabled(true);
            m_token->setPlaceholderText(kind() == ProfileKind::OpenAiAccount ? kKeyPlaceholder
                                                                             : kTokenPlaceholder);
            const bool ok = watcher->future().resultCount() > 0 && watcher->future().result().ok();
            if (ok)
                m_token->setText(watcher->future().result().secret());
            else if (watcher->future().resultCount() > 0)
                showStatus(watcher->future().result().message(), false);
            emit tokenLoaded(ok);
        });
        watcher->setFuture(m_profiles->readToken(profileName));
    }
    applyKind();
    onUrlEdited();
    setState(TestState::NotTested);
    setMinimumWidth(560);
    resize(600, sizeHint().height());
}

ConnectDialog::~ConnectDialog()
{
    abortTest();
}

ProfileKind ConnectDialog::kind() const
{
    return m_openAiKind->isChecked() ? ProfileKind::OpenAiAccount : ProfileKind::BatchmonServer;
}

void ConnectDialog::setKind(ProfileKind kind)
{
    (kind == ProfileKind::OpenAiAccount ? m_openAiKind : m_serverKind)->setChecked(true);
}

void ConnectDialog::applyKind()
{
    const bool openAi = kind() == ProfileKind::OpenAiAccount;
    const bool editing = !m_originalName.isEmpty();
    if (openAi)
        setWindowTitle(editing ? tr("Edit OpenAI account profile") : tr("Connect to an OpenAI account"));
    else
        setWindowTitle(editing ? tr("Edit server profile") : tr("Connect to a server"));
    m_intro->setText(openAi ? tr("Monitors the organisation's batches directly — no batchmon-server needed. "
                                 "Costs are estimates at OpenAI's list prices.")
                            : tr("Connect to a batchmon-server. Its administrator gives you the address and "
                                 "an API token."));
    m_urlLabel->setText(openAi ? tr("API base &URL:") : tr("Server &URL:"));
    m_url->setPlaceholderText(openAi ? ProfileStore::defaultOpenAiUrl().toString() : kExampleUrl);
    m_tokenLabel->setText(openAi ? tr("API &key:") : tr("API to&ken:"));
    if (m_token->isEnabled())
        m_token->setPlaceholderText(openAi ? kKeyPlaceholder : kTokenPlaceholder);
    const bool shown = m_showToken->isChecked();
    if (openAi)
        m_showToken->setToolTip(shown ? tr("Hide the API key") : tr("Show the API key as text"));
    else
        m_showToken->setToolTip(shown ? tr("Hide the token") : tr("Show the token as text"));
    m_keepForSession->setText(openAi ? tr("Keep the key for this session &only")
                                     : tr("Keep the token for this session &only"));
    m_httpNote->setText(openAi
                            ? tr("Over http the API key travels in clear text: anyone who can watch the "
                                 "network can read it and spend the account's money. Allow this only on "
                                 "a network you trust.")
                            : tr("Over http the token travels in clear text: anyone who can watch the "
                                 "network can read it and use it. Allow this only on a network you trust."));
    // The collector trusts the system's certificate authorities only.
    m_caLabel->setVisible(!openAi);
    m_caFile->setVisible(!openAi);
    m_browse->setVisible(!openAi);
    // The user changed the kind at the top: the dialog may shrink to the rows it now has.
    if (isVisible()) {
        QLayout *l = layout();
        l->activate();
        resize(width(),
               l->hasHeightForWidth() ? l->totalHeightForWidth(width()) : l->totalSizeHint().height());
    }
    fitHeight();
}

ServerProfile ConnectDialog::profile() const
{
    ServerProfile p;
    p.name = m_name->text().trimmed();
    p.kind = kind();
    p.serverUrl = QUrl(m_url->text().trimmed(), QUrl::StrictMode);
    p.caFile = p.isOpenAi() ? QString() : m_caFile->text().trimmed();
    p.allowInsecureHttp = httpToAnotherHost() && m_allowHttp->isChecked();
    return p;
}

QString ConnectDialog::statusText() const
{
    return m_status->text();
}

ConnectDialog::ConnectionValues ConnectDialog::connectionValues() const
{
    const ServerProfile p = profile();
    return {p.kind, p.serverUrl.toString(), m_token->text().trimmed(), p.caFile, p.allowInsecureHttp};
}

bool ConnectDialog::httpToAnotherHost() const
{
    const QUrl url(m_url->text().trimmed(), QUrl::StrictMode);
    if (url.scheme().toLower() != QLatin1String("http") || url.host().isEmpty())
        return false;
    return url.host().compare(QLatin1String("localhost"), Qt::CaseInsensitive) != 0 &&
           !QHostAddress(url.host()).isLoopback();
}

void ConnectDialog::onUrlEdited()
{
    // The checkbox only matters for plain http to another machine; loopback is always allowed.
    const bool http = httpToAnotherHost();
    m_allowHttp->setVisible(http);
    m_httpNote->setVisible(http);
    fitHeight();
    if (!m_nameEdited && m_originalName.isEmpty()) {
        const QString host = QUrl(m_url->text().trimmed(), QUrl::StrictMode).host();
        m_name->setText(kind() == ProfileKind::OpenAiAccount &&
                                host == ProfileStore::defaultOpenAiUrl().host()
                            ? QStringLiteral("OpenAI")
                            : host);
    }
    onConnectionEdited();
}

void ConnectDialog::onConnectionEdited()
{
    if (m_saving)
        return;
    if (m_state == TestState::Testing) {
        abortTest();
        setState(TestState::NotTested);
        showStatus(tr("The test was stopped because the settings changed. Test the connection again."),
                   false);
        return;
    }
    if (m_tested && *m_tested == connectionValues()) {
        // Back to the values that worked: no new test needed.
        setState(TestState::Succeeded);
        showStatus(m_testedMessage, true);
        return;
    }
    if (m_state == TestState::Succeeded) {
        setState(TestState::NotTested);
        showStatus(tr("The settings changed since the successful test. Test the connection again to save "
                      "them."),
                   false);
    } else if (m_state == TestState::Failed) {
        // The explanation stays in view while the user fixes what it names.
        setState(TestState::NotTested);
    }
}

void ConnectDialog::browseCaFile()
{
    const QString current = m_caFile->text().trimmed();
    const QString start = current.isEmpty() ? QDir::homePath() : QFileInfo(current).absolutePath();
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Choose the server's CA certificate"), start,
                                     tr("Certificates (*.pem *.crt *.cer *.der);;All files (*)"));
    if (path.isEmpty())
        return;
    m_caFile->setText(QDir::toNativeSeparators(path));
    const auto certificates = ProfileStore::loadCaCertificates(path);
    if (!certificates.ok())
        showStatus(certificates.error(), false);
}

void ConnectDialog::testConnection()
{
    if (m_saving)
        return;
    abortTest();
    m_lastError.reset();
    m_tested.reset();
    const ServerProfile p = profile();
    const ConnectionValues values = connectionValues();

    QString problem = ProfileStore::validateUrl(p.serverUrl, p.kind);
    QLineEdit *culprit = m_url;
    if (problem.isEmpty() && values.token.isEmpty()) {
        problem = p.isOpenAi()
                      ? tr("Enter the OpenAI API key (it starts with “sk-”). Create one in the OpenAI "
                           "dashboard under API keys.")
                      : tr("Enter the API token. An administrator creates one on the server with "
                           "“batchmon-server token add NAME --role admin”.");
        culprit = m_token;
    }
    if (problem.isEmpty() && p.isOpenAi() && httpToAnotherHost() && !p.allowInsecureHttp)
        problem = tr("The API base URL uses plain http to %1, so the API key would travel unencrypted. Use "
                     "https, or tick “Allow unencrypted http” if the network is trusted.")
                      .arg(p.serverUrl.host());
    if (problem.isEmpty() && p.isOpenAi()) {
        testOpenAi(p, values);
        return;
    }
    Result<ApiClientOptions, QString> options = problem.isEmpty()
                                                    ? ProfileStore::clientOptions(p, values.token)
                                                    : Result<ApiClientOptions, QString>(problem);
    if (problem.isEmpty() && !options.ok())
        culprit = m_caFile;
    if (!options.ok()) {
        setState(TestState::Failed);
        showStatus(options.error(), false);
        culprit->setFocus();
        emit testFinished(false);
        return;
    }

    ApiClientOptions o = options.value();
    o.policy.maxAttempts = 1; // a test answers now; the dashboard is the one that retries
    o.policy.transferTimeoutMs = kTestTimeoutMs;
    // A new test makes new connections: a cached one could have been made with another CA file.
    m_nam->clearConnectionCache();
    m_client = new ApiClient(*m_nam, o, this);
    const quint64 generation = ++m_generation;
    setState(TestState::Testing);
    showStatus(tr("Connecting to %1…").arg(p.serverUrl.toDisplayString()), true);
    m_statusIcon->clear();

    MonitoringQuery query;
    query.timeRange = TimeRange::LastDay;
    query.limit = 1;
    auto *watcher = new QFutureWatcher<ApiResult<MonitoringSnapshot>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation, values, p] {
        watcher->deleteLater();
        if (generation != m_generation || watcher->future().resultCount() == 0)
            return; // stopped, or replaced by another test
        const ApiResult<MonitoringSnapshot> result = watcher->future().result();
        if (!result.ok()) {
            if (m_client) {
                m_client->deleteLater();
                m_client = nullptr;
            }
            m_lastError = result.error();
            finishTest(false, explain(result.error(), p));
            return;
        }
        m_tested = values;
        const qint64 jobs = result.value().summary.totalJobs;
        const QString count = jobs == 1 ? tr("1 job") : tr("%1 jobs").arg(QLocale().toString(jobs));
        // Then who the token is, so the admin knows before saving whether it may act.
        auto *who = new QFutureWatcher<ApiResult<Identity>>(this);
        connect(who, &QFutureWatcherBase::finished, this, [this, who, generation, count, p] {
            who->deleteLater();
            if (generation != m_generation || who->future().resultCount() == 0)
                return;
            if (m_client) {
                m_client->deleteLater();
                m_client = nullptr;
            }
            const ApiResult<Identity> identity = who->future().result();
            m_testedMessage =
                identity.ok()
                    ? (identity.value().role == Role::Admin
                           ? tr("Connected to %1 as %2 (admin): %3 in the last 24 hours.")
                           : tr("Connected to %1 as %2 (viewer: read only): %3 in the last 24 hours."))
                          .arg(p.serverUrl.host(), identity.value().name, count)
                    : tr("Connected to %1: %2 in the last 24 hours.").arg(p.serverUrl.host(), count);
            finishTest(true, m_testedMessage);
        });
        who->setFuture(m_client->fetchIdentity());
    });
    watcher->setFuture(m_client->fetchMonitoring(query));
}

void ConnectDialog::testOpenAi(const ServerProfile &profile, const ConnectionValues &values)
{
    OpenAiSettings settings;
    settings.baseUrl = profile.serverUrl;
    settings.apiKey = values.token;
    settings.requestTimeoutMs = kOpenAiTestTimeoutMs;
    settings.maxRateLimitWaitMs = 0; // a test answers now: a rate limit is said, not waited out
    const quint64 generation = ++m_generation;
    setState(TestState::Testing);
    showStatus(tr("Reading the batches of the account at %1…").arg(profile.serverUrl.toDisplayString()),
               true);
    m_statusIcon->clear();
    using Probe = Result<BatchPage, ProviderError>;
    auto *watcher = new QFutureWatcher<Probe>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation, values, profile] {
        watcher->deleteLater();
        if (generation != m_generation || watcher->future().resultCount() == 0)
            return; // stopped, or replaced by another test
        const Probe result = watcher->future().result();
        if (!result.ok()) {
            finishTest(false, LocalSource::explainOpenAiError(result.error(), profile.serverUrl));
            return;
        }
        m_tested = values;
        const BatchPage &page = result.value();
        const QString host = profile.serverUrl.host();
        if (page.batches.isEmpty())
            m_testedMessage =
                tr("Connected to %1: the API key works; the account has no batches yet.").arg(host);
        else
            m_testedMessage =
                tr("Connected to %1: the API key can read the account's batches (%2 listed).")
                    .arg(host, page.hasMore
                                   ? tr("more than %1").arg(QLocale().toString(qint64(page.batches.size())))
                                   : QLocale().toString(qint64(page.batches.size())));
        finishTest(true, m_testedMessage);
    });
    watcher->setFuture(LocalSource::probeOpenAi(settings));
}

void ConnectDialog::finishTest(bool ok, const QString &message)
{
    setState(ok ? TestState::Succeeded : TestState::Failed);
    showStatus(message, ok);
    if (ok)
        m_save->setFocus();
    const bool thenSave = ok && m_saveAfterTest;
    m_saveAfterTest = false;
    emit testFinished(ok);
    if (thenSave)
        save();
}

void ConnectDialog::abortTest()
{
    ++m_generation;
    if (m_client) {
        m_client->abortAll();
        m_client->deleteLater();
        m_client = nullptr;
    }
}

void ConnectDialog::setState(TestState state)
{
    m_state = state;
    const bool testing = state == TestState::Testing;
    m_busy->setVisible(testing || m_saving);
    m_test->setEnabled(!testing && !m_saving);
    m_cancel->setEnabled(!m_saving);
    const bool canSave = state == TestState::Succeeded && !m_saving;
    // Save stays available: pressed before a test passed, it tests and then saves. (Disabled, its
    // Alt+S went to the focused field instead: a new user's token became "s".)
    m_save->setEnabled(!testing && !m_saving);
    // Enter tests until a test passed, then saves.
    m_save->setDefault(canSave);
    m_test->setDefault(!canSave);
}

void ConnectDialog::showStatus(const QString &text, bool ok)
{
    m_status->setText(text);
    const QStyle::StandardPixmap icon = ok ? QStyle::SP_DialogApplyButton : QStyle::SP_MessageBoxWarning;
    const int size = style()->pixelMetric(QStyle::PM_SmallIconSize, nullptr, this);
    if (text.isEmpty())
        m_statusIcon->clear();
    else
        m_statusIcon->setPixmap(style()->standardIcon(icon, nullptr, this).pixmap(size, size));
    fitHeight();
}

void ConnectDialog::fitHeight()
{
    // Wrapped text needs more height at the dialog's width than the size hint it started with; grow
    // so that nothing is cut off, and do not shrink, so that the buttons do not jump under the mouse.
    QLayout *l = layout();
    const auto needed = [this, l] {
        l->activate();
        return l->hasHeightForWidth() ? l->totalHeightForWidth(width()) : l->totalSizeHint().height();
    };
    const int before = height();
    if (needed() <= before)
        return;
    // A row that was hidden is measured at a guessed width the first time; measure again once laid out.
    resize(width(), needed());
    resize(width(), std::max(before, needed()));
}

void ConnectDialog::updatePersistenceNote()
{
    const CredentialStore *credentials = m_profiles->credentials();
    m_persistenceNote->setText(credentials->persistenceNote());
    m_persistenceNote->setVisible(!credentials->isPersistent() && !credentials->persistenceNote().isEmpty());
    fitHeight();
}

void ConnectDialog::save()
{
    if (m_saving || m_state == TestState::Testing)
        return;
    if (m_state != TestState::Succeeded) {
        m_saveAfterTest = true;
        testConnection();
        return;
    }
    if (!m_savedName.isEmpty()) {
        accept(); // saved already; the button now closes the dialog
        return;
    }
    const ServerProfile p = profile();
    const QString problem = m_profiles->validate(p, m_originalName);
    if (!problem.isEmpty()) {
        showStatus(problem, false);
        m_name->setFocus();
        m_name->selectAll();
        return;
    }
    m_saving = true;
    setState(m_state);
    const QString token = m_token->text().trimmed();
    auto *watcher = new QFutureWatcher<ProfileResult>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, p] {
        watcher->deleteLater();
        m_saving = false;
        const ProfileResult result =
            watcher->future().resultCount() > 0
                ? watcher->future().result()
                : ProfileResult{false, tr("Saving was interrupted. Try again."), false};
        if (!result.ok) {
            setState(m_state);
            showStatus(result.keychainRefused
                           ? result.message + QLatin1Char(' ') +
                                 (p.isOpenAi()
                                      ? tr("You can keep the key for this session only and enter it "
                                           "again after a restart.")
                                      : tr("You can keep the token for this session only and enter it "
                                           "again after a restart."))
                           : result.message,
                       false);
            m_keepForSession->setVisible(result.keychainRefused);
            return;
        }
        m_savedName = p.name;
        emit saved(m_savedName);
        if (result.tokenPersistent) {
            accept();
            return;
        }
        // The user must know before relying on it: the token is gone after a restart.
        showStatus(tr("The profile “%1” was saved. %2").arg(p.name, result.message), false);
        for (QWidget *w :
             {static_cast<QWidget *>(m_serverKind), static_cast<QWidget *>(m_openAiKind),
              static_cast<QWidget *>(m_name), static_cast<QWidget *>(m_url), static_cast<QWidget *>(m_token),
              static_cast<QWidget *>(m_caFile), static_cast<QWidget *>(m_browse),
              static_cast<QWidget *>(m_allowHttp), static_cast<QWidget *>(m_showToken)})
            w->setEnabled(false);
        m_test->setEnabled(false);
        m_busy->hide();
        m_cancel->hide();
        m_save->setText(tr("Close"));
        m_save->setEnabled(true);
        m_save->setDefault(true);
        m_save->setFocus();
    });
    watcher->setFuture(m_originalName.isEmpty()
                           ? m_profiles->add(p, token, m_sessionOnly)
                           : m_profiles->update(m_originalName, p, token, m_sessionOnly));
}

void ConnectDialog::reject()
{
    if (m_saving)
        return; // the keychain is writing; closing now would leave the outcome unknown
    abortTest();
    if (!m_savedName.isEmpty()) {
        accept();
        return;
    }
    QDialog::reject();
}

QString ConnectDialog::explain(const ApiError &error, const ServerProfile &profile)
{
    const QUrl &url = profile.serverUrl;
    const QString host = url.host();
    const int port = url.port(url.scheme().toLower() == QLatin1String("https") ? 443 : 80);
    const QString detail =
        error.message.isEmpty() ? QString() : QStringLiteral(" (") + error.message + QLatin1Char(')');
    // Qt's TLS messages are sentences of their own ("The certificate is self-signed, and untrusted").
    const QString quoted =
        error.message.isEmpty() ? QString() : QStringLiteral(": “") + error.message + QStringLiteral("”");
    switch (error.kind) {
    case ApiError::Kind::InvalidUrl:
        return tr("The server address is not valid%1. Enter it as https://host:port, for example %2.")
            .arg(detail, kExampleUrl);
    case ApiError::Kind::InsecureUrl:
        return tr("The address uses plain http to %1, so the token would travel unencrypted. Use https, or "
                  "tick “Allow unencrypted http” if the network is trusted.")
            .arg(host);
    case ApiError::Kind::Offline:
        switch (error.networkError) {
        case QNetworkReply::HostNotFoundError:
            return tr("The host name “%1” is not known. Check its spelling in the server address.").arg(host);
        case QNetworkReply::ConnectionRefusedError:
            return tr("Nothing accepts connections on %1, port %2. Check the port, and that batchmon-server "
                      "is "
                      "running there (it prints the address it listens on when it starts).")
                .arg(host)
                .arg(port);
        case QNetworkReply::RemoteHostClosedError:
            return tr("%1 closed the connection without answering. If the server uses TLS, the address must "
                      "start with https://; otherwise check that port %2 belongs to batchmon-server.")
                .arg(host)
                .arg(port);
        default:
            return tr("Cannot reach %1, port %2%3. Check the address and port, that batchmon-server is "
                      "running, "
                      "and that no firewall or proxy blocks the connection.")
                .arg(host)
                .arg(port)
                .arg(detail);
        }
    case ApiError::Kind::Timeout:
        return tr("%1 did not answer within %2 seconds. Check the address and port (a firewall may drop the "
                  "connection silently), and that the server is not overloaded.")
            .arg(host)
            .arg(kTestTimeoutMs / 1000);
    case ApiError::Kind::Tls:
        if (!profile.caFile.isEmpty())
            return tr("Even with the CA file %1, the server's certificate is not trusted%2. Choose the CA "
                      "certificate that signed the server's certificate, and check that the address uses the "
                      "host name the certificate was made for.")
                .arg(QDir::toNativeSeparators(profile.caFile), quoted);
        return tr("The server's certificate is not trusted%1. If the server uses its own certificate "
                  "authority "
                  "or a self-signed certificate, choose that CA file under “CA file” and test again. If the "
                  "server does not use TLS at all, use an http:// address instead.")
            .arg(quoted);
    case ApiError::Kind::Unauthorized:
        return tr(
            "The server refused the token: it is wrong, or it was revoked. Check that it was copied "
            "whole, or have an administrator create a new one on the server with “batchmon-server token "
            "add NAME --role admin”.");
    case ApiError::Kind::Forbidden:
        return tr("The server knows the token but does not let it read the dashboard (HTTP 403). Ask an "
                  "administrator for a token with the viewer or admin role.");
    case ApiError::Kind::NotFound:
        return tr("%1 answers, but not as a batchmon-server: it has no batch-monitoring API at this address "
                  "(HTTP 404). Check the address: the server's root (for example %2), without /api/…")
            .arg(host, kExampleUrl);
    case ApiError::Kind::BadResponse:
        return tr("The answer from %1 is not batchmon's API%2. The address may point to another web service, "
                  "or a proxy changes the answers. Check the address and port.")
            .arg(host, detail);
    case ApiError::Kind::ServerError:
        return tr("The server had an internal error (HTTP %1)%2. Check the server's log; HTTP 503 usually "
                  "means it cannot reach its database.")
            .arg(error.httpStatus)
            .arg(detail);
    case ApiError::Kind::RateLimited:
        return tr("The server limits the requests of this token. Wait %1 seconds and test again.")
            .arg(error.retryAfterSeconds.value_or(60));
    case ApiError::Kind::Cancelled:
        return tr("The test was stopped.");
    case ApiError::Kind::Conflict:
    case ApiError::Kind::BadRequest:
    case ApiError::Kind::ResponseTooLarge:
        break;
    }
    return error.userMessage();
}

} // namespace batchmon
