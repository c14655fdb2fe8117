// SPDX-License-Identifier: GPL-3.0-or-later
#include "AlertsPage.h"

#include "AlertMonitor.h"
#include "Colours.h"
#include "Session.h"
#include "source/DataSource.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFontMetrics>
#include <QFutureWatcher>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QStyle>
#include <QTableView>
#include <QTimer>
#include <QUrl>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace batchmon {

namespace {

constexpr AlertRuleId kRules[] = {AlertRuleId::HighErrorRate, AlertRuleId::LongProcessingTime,
                                  AlertRuleId::LowThroughput, AlertRuleId::BatchFailure};
constexpr Severity kSeverities[] = {Severity::Low, Severity::Medium, Severity::High, Severity::Critical};
constexpr NotificationCadence kCadences[] = {NotificationCadence::Immediate, NotificationCadence::Hourly,
                                             NotificationCadence::Daily};

QString cadenceName(NotificationCadence c)
{
    switch (c) {
    case NotificationCadence::Immediate:
        return AlertsPage::tr("Once, when it starts");
    case NotificationCadence::Hourly:
        return AlertsPage::tr("Hourly while active");
    case NotificationCadence::Daily:
        return AlertsPage::tr("Daily while active");
    }
    return {};
}

QString ruleCondition(AlertRuleId rule)
{
    switch (rule) {
    case AlertRuleId::HighErrorRate:
        return AlertsPage::tr("Error rate of the last 24 h above");
    case AlertRuleId::LongProcessingTime:
        return AlertsPage::tr("A job processing for longer than");
    case AlertRuleId::LowThroughput:
        return AlertsPage::tr("Throughput of the last 24 h below");
    case AlertRuleId::BatchFailure:
        return AlertsPage::tr("Completely failed batches in 24 h, at least");
    }
    return {};
}

/// A number as typed, in the user's locale or with a dot.
std::optional<double> number(const QString &text)
{
    bool ok = false;
    double v = QLocale().toDouble(text.trimmed(), &ok);
    if (!ok)
        v = QLocale::c().toDouble(text.trimmed(), &ok);
    if (!ok || !std::isfinite(v))
        return std::nullopt;
    return v;
}

/// As tall as what it holds when there is room: QScrollArea's own hint stops at 24 lines of text,
/// which would give the rules a scroll bar even in a tall window.
class FittingScrollArea : public QScrollArea
{
public:
    using QScrollArea::QScrollArea;
    QSize sizeHint() const override
    {
        const int frame = 2 * frameWidth();
        return (widget() ? widget()->sizeHint() : QSize()) + QSize(frame, frame);
    }
};

} // namespace

QString AlertsPage::unitName(AlertRuleId rule)
{
    switch (rule) {
    case AlertRuleId::HighErrorRate:
        return tr("%");
    case AlertRuleId::LongProcessingTime:
        return tr("minutes");
    case AlertRuleId::LowThroughput:
        return tr("jobs per hour");
    case AlertRuleId::BatchFailure:
        return tr("batches");
    }
    return {};
}

QString AlertsPage::thresholdText(AlertRuleId rule, double threshold)
{
    const double shown = rule == AlertRuleId::LongProcessingTime ? threshold / 60000.0 : threshold;
    return QLocale().toString(shown, 'g', QLocale::FloatingPointShortest);
}

std::optional<QString> AlertsPage::thresholdError(AlertRuleId rule, const QString &text, double *value)
{
    const std::optional<double> v = number(text);
    switch (rule) {
    case AlertRuleId::HighErrorRate:
        if (!v || *v < 0 || *v > 100)
            return tr("Enter a percentage from 0 to 100.");
        *value = *v;
        return std::nullopt;
    case AlertRuleId::LongProcessingTime:
        if (!v || *v < 0 || *v > 30.0 * 24 * 60)
            return tr("Enter minutes, from 0 to 43,200 (30 days).");
        *value = std::round(*v * 60000.0); // the contract's whole milliseconds
        return std::nullopt;
    case AlertRuleId::LowThroughput:
        if (!v || *v < 0 || *v > 1e6)
            return tr("Enter jobs per hour, 0 or more.");
        *value = *v;
        return std::nullopt;
    case AlertRuleId::BatchFailure:
        if (!v || *v < 1 || *v > 1000000 || *v != std::floor(*v))
            return tr("Enter a whole number of batches from 1 to 1,000,000.");
        *value = *v;
        return std::nullopt;
    }
    return tr("Unknown rule.");
}

AlertsPage::AlertsPage(Session *session, AlertMonitor *monitor, QWidget *parent)
    : QWidget(parent), m_session(session), m_monitor(monitor), m_webhook(new QLineEdit(this)),
      m_webhookError(new QLabel(this)), m_quiet(new QSpinBox(this)),
      m_apply(new QPushButton(tr("&Apply"), this)), m_revert(new QPushButton(tr("Re&vert"), this)),
      m_status(new QLabel(this)), m_readOnly(new QLabel(this)), m_table(new QTableView(this)),
      m_showResolved(new QCheckBox(tr("Show &resolved alerts too"), this)),
      m_ack(new QPushButton(tr("Ac&knowledge"), this)), m_listStatus(new QLabel(this)),
      m_previewStatus(new QLabel(this)), m_previewList(new QListWidget(this)),
      m_previewTimer(new QTimer(this))
{
    auto *layout = new QVBoxLayout(this);
    // The rules, channels and preview scroll when the window is short (a 1366×768 laptop): the page's
    // minimum is then the scroll area's, not the ~480 px they need (more with a desktop's fonts).
    auto *settings = new QWidget;
    auto *settingsLayout = new QVBoxLayout(settings);
    settingsLayout->setContentsMargins(0, 0, 0, 0);
    auto *scroll = new FittingScrollArea(this);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidgetResizable(true);

    auto *rules = new QGroupBox(tr("Rules"), this);
    auto *grid = new QGridLayout(rules);
    const QStringList headers{tr("On"),  tr("Fires when"), tr("Threshold"),
                              QString(), tr("Severity"),   tr("Notify")};
    for (int c = 0; c < headers.size(); ++c) {
        auto *h = new QLabel(QStringLiteral("<b>%1</b>").arg(headers[c].toHtmlEscaped()), rules);
        grid->addWidget(h, 0, c);
    }
    QWidget *previous = nullptr;
    for (AlertRuleId id : kRules) {
        Row &row = m_rows[int(id)];
        const int r = 1 + int(id) * 2;
        row.enabled = new QCheckBox(rules);
        row.enabled->setToolTip(tr("A disabled rule creates no alerts."));
        row.threshold = new QLineEdit(rules);
        row.threshold->setMaximumWidth(110);
        row.threshold->setAlignment(Qt::AlignRight);
        row.severity = new QComboBox(rules);
        for (Severity s : kSeverities)
            row.severity->addItem(AlertEventsModel::severityName(s), int(s));
        row.cadence = new QComboBox(rules);
        for (NotificationCadence c : kCadences)
            row.cadence->addItem(cadenceName(c), int(c));
        row.error = new QLabel(rules);
        row.error->setWordWrap(true);
        colours::setTextColour(row.error, colours::kRed);
        row.error->hide();
        auto *name = new QLabel(
            QStringLiteral("<b>%1</b> — %2")
                .arg(AlertEventsModel::ruleName(id).toHtmlEscaped(), ruleCondition(id).toHtmlEscaped()),
            rules);
        name->setBuddy(row.threshold);
        grid->addWidget(row.enabled, r, 0);
        grid->addWidget(name, r, 1);
        grid->addWidget(row.threshold, r, 2);
        grid->addWidget(new QLabel(unitName(id), rules), r, 3);
        grid->addWidget(row.severity, r, 4);
        grid->addWidget(row.cadence, r, 5);
        grid->addWidget(row.error, r + 1, 1, 1, 5);
        for (QWidget *w : {static_cast<QWidget *>(row.enabled), static_cast<QWidget *>(row.threshold),
                           static_cast<QWidget *>(row.severity), static_cast<QWidget *>(row.cadence)}) {
            if (previous)
                setTabOrder(previous, w);
            previous = w;
        }
        connect(row.enabled, &QCheckBox::toggled, this, &AlertsPage::validate);
        connect(row.threshold, &QLineEdit::textChanged, this, &AlertsPage::validate);
        connect(row.severity, &QComboBox::currentIndexChanged, this, &AlertsPage::validate);
        connect(row.cadence, &QComboBox::currentIndexChanged, this, &AlertsPage::validate);
    }
    grid->setColumnStretch(1, 1);
    settingsLayout->addWidget(rules);

    auto *channels = new QGroupBox(tr("Notifications"), this);
    auto *channelGrid = new QGridLayout(channels);
    const QStringList channelNames{tr("&Desktop notifications from this app"), tr("The server's &log"),
                                   tr("A &webhook:")};
    for (int c = 0; c < 3; ++c) {
        m_channels[c] = new QCheckBox(channelNames[c], channels);
        connect(m_channels[c], &QCheckBox::toggled, this, &AlertsPage::validate);
    }
    channelGrid->addWidget(m_channels[0], 0, 0, 1, 2);
    channelGrid->addWidget(m_channels[1], 1, 0, 1, 2);
    channelGrid->addWidget(m_channels[2], 2, 0);
    m_webhook->setPlaceholderText(tr("https://hooks.example.com/batchmon"));
    channelGrid->addWidget(m_webhook, 2, 1);
    colours::setTextColour(m_webhookError, colours::kRed);
    m_webhookError->hide();
    channelGrid->addWidget(m_webhookError, 3, 1);
    auto *quietLabel = new QLabel(tr("&Quiet period after a notification, per rule:"), channels);
    quietLabel->setBuddy(m_quiet);
    m_quiet->setRange(0, 10080);
    m_quiet->setSuffix(tr(" min"));
    m_quiet->setSpecialValueText(tr("none"));
    m_quiet->setToolTip(
        tr("Within this many minutes of a notification for a rule, further notifications for it "
           "are skipped. At most a week."));
    channelGrid->addWidget(quietLabel, 4, 0);
    channelGrid->addWidget(m_quiet, 4, 1, Qt::AlignLeft);
    channelGrid->setColumnStretch(1, 1);
    connect(m_webhook, &QLineEdit::textChanged, this, &AlertsPage::validate);
    connect(m_quiet, &QSpinBox::valueChanged, this, &AlertsPage::validate);
    settingsLayout->addWidget(channels);

    // What the edited rules would raise right now, before they are applied.
    auto *previewBox = new QGroupBox(tr("Would fire now with these rules"), this);
    auto *previewLayout = new QVBoxLayout(previewBox);
    m_previewStatus->setWordWrap(true);
    m_previewStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);
    previewLayout->addWidget(m_previewStatus);
    // A list, not a label with a line per condition: on a busy server 59 of them made the page (and
    // with it the window) 1452 px tall. It grows with its lines up to kPreviewRows and then scrolls.
    m_previewList->setUniformItemSizes(true);
    m_previewList->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_previewList->setTextElideMode(Qt::ElideRight);
    m_previewList->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_previewList->hide();
    previewLayout->addWidget(m_previewList);
    settingsLayout->addWidget(previewBox);
    scroll->setWidget(settings);
    layout->addWidget(scroll);
    setTabOrder(m_quiet, m_previewList); // once both are in this window
    m_previewTimer->setSingleShot(true);
    m_previewTimer->setInterval(400); // after typing pauses, not at every key
    connect(m_previewTimer, &QTimer::timeout, this, &AlertsPage::askPreview);

    auto *buttons = new QHBoxLayout;
    m_status->setWordWrap(true);
    m_readOnly->setWordWrap(true);
    m_readOnly->hide();
    buttons->addWidget(m_readOnly, 1);
    buttons->addWidget(m_status, 1);
    buttons->addWidget(m_revert);
    buttons->addWidget(m_apply);
    layout->addLayout(buttons);
    connect(m_apply, &QPushButton::clicked, this, &AlertsPage::apply);
    connect(m_revert, &QPushButton::clicked, this, &AlertsPage::revert);

    auto *list = new QGroupBox(tr("Alerts"), this);
    auto *listLayout = new QVBoxLayout(list);
    auto *listTop = new QHBoxLayout;
    listTop->addWidget(m_showResolved);
    listTop->addStretch(1);
    listTop->addWidget(m_listStatus);
    listTop->addWidget(m_ack);
    listLayout->addLayout(listTop);
    m_table->setModel(m_monitor->model());
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->verticalHeader()->hide();
    m_table->setAlternatingRowColors(true);
    m_table->setTabKeyNavigation(false);
    // The columns are as wide as their widest cell over all rows (ResizeToContents measures only the
    // rows in view, and a page laid out while hidden or squeezed cut them to "B…"); the message takes
    // the rest.
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_table->horizontalHeader()->setSectionResizeMode(AlertEventsModel::Message, QHeaderView::Stretch);
    m_table->setWordWrap(false);
    const auto fitColumns = [this] {
        const QAbstractItemModel *model = m_table->model();
        const QFontMetrics metrics(m_table->font());
        const int padding =
            2 * m_table->style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, m_table) + 12;
        for (int c = 0; c < model->columnCount(); ++c) {
            if (c == AlertEventsModel::Message)
                continue;
            const QFontMetrics bold(m_table->horizontalHeader()->font());
            int width = bold.horizontalAdvance(model->headerData(c, Qt::Horizontal).toString()) + 2 * padding;
            for (int r = 0; r < model->rowCount(); ++r)
                width = std::max(width,
                                 metrics.horizontalAdvance(model->index(r, c).data().toString()) + padding);
            m_table->horizontalHeader()->resizeSection(c, width);
        }
    };
    connect(m_table->model(), &QAbstractItemModel::modelReset, this, fitColumns);
    connect(m_table->model(), &QAbstractItemModel::rowsInserted, this, fitColumns);
    connect(m_table->model(), &QAbstractItemModel::dataChanged, this, fitColumns);
    fitColumns();
    // Five alerts at least, however short the window: the rules above scroll first. Its own size hint
    // is ignored, so the rules and preview get theirs first and the alerts take what is left.
    m_table->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Ignored);
    m_table->setMinimumHeight(m_table->horizontalHeader()->sizeHint().height() +
                              5 * m_table->verticalHeader()->defaultSectionSize() +
                              2 * m_table->frameWidth());
    listLayout->addWidget(m_table);
    layout->addWidget(list, 1);
    connect(m_showResolved, &QCheckBox::toggled, m_monitor, &AlertMonitor::setShowResolved);
    connect(m_ack, &QPushButton::clicked, this, &AlertsPage::acknowledgeSelected);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &AlertsPage::updateButtons);
    connect(m_monitor, &AlertMonitor::updated, this, [this] {
        m_listStatus->setText(
            m_monitor->lastError()
                ? tr("Alerts could not be read: %1").arg(m_monitor->lastError()->userMessage())
            : m_monitor->model()->rowCount() == 0 ? tr("No alerts. All quiet.")
                                                  : QString());
        updateButtons();
    });
    connect(m_monitor, &AlertMonitor::acknowledged, this,
            [this](bool, const QString &message) { m_listStatus->setText(message); });

    setEditable(true); // the editors stay off until the rules are there (no m_stored yet)
    setStatus(tr("Loading the alert rules…"), false);
    updateButtons();
}

void AlertsPage::reload()
{
    if (!m_session->source())
        return;
    auto *watcher = new QFutureWatcher<ApiResult<AlertConfig>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
        watcher->deleteLater();
        const ApiResult<AlertConfig> r = watcher->future().result();
        if (r.ok()) {
            m_stored = r.value();
            display(r.value());
            setStatus(QString(), false);
        } else {
            setStatus(tr("The alert rules could not be read: %1").arg(r.error().userMessage()), true);
        }
        emit loaded(r.ok());
    });
    watcher->setFuture(m_session->source()->fetchAlertConfig());
}

void AlertsPage::display(const AlertConfig &c)
{
    m_showing = true;
    for (const AlertRule &rule : c.rules) {
        Row &row = m_rows[int(rule.id)];
        row.enabled->setChecked(rule.enabled);
        row.threshold->setText(thresholdText(rule.id, rule.threshold));
        row.severity->setCurrentIndex(row.severity->findData(int(rule.severity)));
        row.cadence->setCurrentIndex(row.cadence->findData(int(rule.notification)));
    }
    for (int ch = 0; ch < 3; ++ch)
        m_channels[ch]->setChecked(c.notificationChannels.contains(NotificationChannel(ch)));
    m_webhook->setText(c.webhookUrl.value_or(QString()));
    m_quiet->setValue(int(c.suppressionWindowMinutes));
    m_showing = false;
    setEditable(m_editable, m_readOnly->text());
    validate();
}

QString AlertsPage::fieldError(AlertRuleId rule) const
{
    const Row &row = m_rows[int(rule)];
    return row.error->isHidden() ? QString() : row.error->text();
}

QString AlertsPage::webhookError() const
{
    return m_webhookError->isHidden() ? QString() : m_webhookError->text();
}

std::optional<AlertConfig> AlertsPage::editedConfig() const
{
    if (!m_stored)
        return std::nullopt;
    AlertConfig c = *m_stored;
    c.rules.clear();
    for (AlertRuleId id : kRules) {
        const Row &row = m_rows[int(id)];
        AlertRule rule;
        rule.id = id;
        if (thresholdError(id, row.threshold->text(), &rule.threshold))
            return std::nullopt;
        rule.enabled = row.enabled->isChecked();
        rule.severity = Severity(row.severity->currentData().toInt());
        rule.notification = NotificationCadence(row.cadence->currentData().toInt());
        c.rules << rule;
    }
    c.notificationChannels.clear();
    for (int ch = 0; ch < 3; ++ch)
        if (m_channels[ch]->isChecked())
            c.notificationChannels << NotificationChannel(ch);
    const QString url = m_webhook->text().trimmed();
    c.webhookUrl = url.isEmpty() ? std::nullopt : std::optional<QString>(url);
    c.suppressionWindowMinutes = m_quiet->value();
    return c;
}

bool AlertsPage::hasChanges() const
{
    const auto edited = editedConfig();
    return m_stored && (!edited || !(edited->tie() == m_stored->tie()));
}

void AlertsPage::validate()
{
    if (m_showing)
        return;
    for (AlertRuleId id : kRules) {
        Row &row = m_rows[int(id)];
        double value = 0;
        const auto why = thresholdError(id, row.threshold->text(), &value);
        row.error->setText(why.value_or(QString()));
        row.error->setVisible(why.has_value());
    }
    QString webhook;
    const QString url = m_webhook->text().trimmed();
    if (m_channels[int(NotificationChannel::Webhook)]->isChecked() && url.isEmpty()) {
        webhook = tr("Enter the address the server posts alerts to, or turn the webhook off.");
    } else if (!url.isEmpty()) {
        const QUrl u(url, QUrl::StrictMode);
        if (!u.isValid() || (u.scheme() != QLatin1String("http") && u.scheme() != QLatin1String("https")) ||
            u.host().isEmpty())
            webhook = tr("Enter an http or https address, for example https://hooks.example.com/batchmon.");
    }
    m_webhookError->setText(webhook);
    m_webhookError->setVisible(!webhook.isEmpty());
    m_webhook->setEnabled(m_editable && m_stored &&
                          m_channels[int(NotificationChannel::Webhook)]->isChecked());
    updateButtons();
    m_previewTimer->start();
}

void AlertsPage::askPreview()
{
    const auto edited = editedConfig();
    if (!edited || !m_session->source()) {
        showPreview(m_stored ? tr("Correct the values above to see what would fire.") : QString());
        return;
    }
    const quint64 generation = ++m_previewGeneration;
    auto *watcher = new QFutureWatcher<ApiResult<AlertPreview>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_previewGeneration || watcher->future().resultCount() == 0)
            return; // the user typed on
        const ApiResult<AlertPreview> r = watcher->future().result();
        if (!r.ok()) {
            showPreview(tr("No preview: %1").arg(r.error().userMessage()));
            emit previewed(false);
            return;
        }
        QStringList lines;
        for (const AlertCondition &c : r.value().conditions)
            lines << tr("● %1 — %2")
                         .arg(AlertEventsModel::severityName(c.severity),
                              c.jobId && !c.message.contains(*c.jobId)
                                  ? tr("%1 (job %2)").arg(c.message, *c.jobId)
                                  : c.message);
        showPreview(lines.isEmpty() ? tr("Nothing would fire now.") : QString(), lines);
        emit previewed(true);
    });
    watcher->setFuture(m_session->source()->previewAlerts(*edited));
}

void AlertsPage::showPreview(const QString &status, const QStringList &lines)
{
    m_previewStatus->setText(status);
    m_previewStatus->setVisible(!status.isEmpty());
    m_previewList->clear();
    for (const QString &line : lines) {
        auto *item = new QListWidgetItem(line, m_previewList);
        item->setToolTip(line); // the whole line, when the list's width elides it
    }
    m_previewList->setVisible(!lines.isEmpty());
    if (lines.isEmpty())
        return;
    // As tall as its lines, up to kPreviewRows; at least kPreviewMinRows when the page is short.
    constexpr int kPreviewRows = 4;
    constexpr int kPreviewMinRows = 3;
    const int row = m_previewList->sizeHintForRow(0);
    const int frame = 2 * m_previewList->frameWidth();
    const int rows = int(lines.size());
    m_previewList->setMaximumHeight(std::min(rows, kPreviewRows) * row + frame);
    m_previewList->setMinimumHeight(std::min(rows, kPreviewMinRows) * row + frame);
}

QString AlertsPage::previewText() const
{
    if (m_previewList->count() == 0)
        return m_previewStatus->text();
    QStringList lines;
    for (int i = 0; i < m_previewList->count(); ++i)
        lines << m_previewList->item(i)->text();
    return lines.join(QLatin1Char('\n'));
}

void AlertsPage::updateButtons()
{
    const bool valid = editedConfig().has_value() && webhookError().isEmpty();
    m_apply->setEnabled(m_editable && !m_busy && valid && hasChanges());
    m_revert->setEnabled(m_editable && !m_busy && hasChanges());
    m_ack->setEnabled(m_editable && m_table->selectionModel()->hasSelection());
}

void AlertsPage::setEditable(bool editable, const QString &why)
{
    m_editable = editable;
    m_readOnly->setText(why.isEmpty()
                            ? tr("Read only: a viewer token cannot change alert rules or acknowledge "
                                 "alerts.")
                            : why);
    m_readOnly->setVisible(!editable);
    if (!editable && m_stored && hasChanges()) {
        display(*m_stored);
        return;
    }
    for (const Row &row : m_rows)
        for (QWidget *w : {static_cast<QWidget *>(row.enabled), static_cast<QWidget *>(row.threshold),
                           static_cast<QWidget *>(row.severity), static_cast<QWidget *>(row.cadence)})
            w->setEnabled(editable && m_stored);
    for (QCheckBox *c : m_channels)
        c->setEnabled(editable && m_stored);
    m_quiet->setEnabled(editable && m_stored);
    m_webhook->setEnabled(editable && m_stored && m_channels[int(NotificationChannel::Webhook)]->isChecked());
    updateButtons();
}

void AlertsPage::apply()
{
    const auto edited = editedConfig();
    if (!edited || !m_editable || m_busy)
        return;
    m_busy = true;
    updateButtons();
    setStatus(tr("Applying…"), false);
    auto *watcher = new QFutureWatcher<ApiResult<AlertConfig>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
        watcher->deleteLater();
        m_busy = false;
        const ApiResult<AlertConfig> r = watcher->future().result();
        if (r.ok()) {
            m_stored = r.value();
            display(r.value());
            setStatus(tr("Applied. The rules shown are the source's."), false);
            m_monitor->refresh();
        } else {
            setStatus(tr("Not applied: %1").arg(r.error().userMessage()), true);
            if (r.error().kind == ApiError::Kind::Forbidden)
                setEditable(false);
        }
        updateButtons();
        emit applied(r.ok());
    });
    watcher->setFuture(m_session->source()->updateAlertConfig(*edited));
}

void AlertsPage::revert()
{
    if (m_stored)
        display(*m_stored);
    setStatus(QString(), false);
}

void AlertsPage::acknowledgeSelected()
{
    for (const QModelIndex &index : m_table->selectionModel()->selectedRows())
        m_monitor->acknowledge(index.data(AlertEventsModel::EventIdRole).toLongLong());
}

void AlertsPage::setStatus(const QString &text, bool error)
{
    m_status->setText(text);
    colours::setTextColour(m_status, error ? std::optional<QColor>(colours::kRed) : std::nullopt);
}

QString AlertsPage::statusText() const
{
    return m_status->text();
}

} // namespace batchmon
