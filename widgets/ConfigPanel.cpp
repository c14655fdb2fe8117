// SPDX-License-Identifier: GPL-3.0-or-later
#include "ConfigPanel.h"

#include "Colours.h"

#include "Session.h"
#include "source/DataSource.h"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QFrame>
#include <QFutureWatcher>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QVBoxLayout>

namespace batchmon {

using namespace colours;

namespace {

bool isInterval(BatchConfigField field)
{
    return field == BatchConfigField::CreateInterval || field == BatchConfigField::StatusCheckInterval ||
           field == BatchConfigField::ResultProcessingInterval;
}

QString unitCount(qint64 n, const QString &one, const QString &many)
{
    return n == 1 ? one : many.arg(QLocale().toString(n));
}

} // namespace

void ConfigPanel::watchTyping(QAbstractSpinBox *box)
{
    // QAbstractSpinBox::textChanged stays quiet while the text is not a value it can take ("", "0"
    // below a minimum of 1); its line edit does not, so an unfinished number is checked as typed.
    connect(box->findChild<QLineEdit *>(), &QLineEdit::textChanged, this, &ConfigPanel::onEdited);
}

ConfigPanel::ConfigPanel(Session *session, QWidget *parent)
    : QWidget(parent), m_session(session), m_status(new QLabel(this)),
      m_retry(new QPushButton(tr("Retry"), this)),
      m_readOnlyNote(new QLabel(tr("Read only: a viewer token cannot change the configuration."), this)),
      m_accountNote(
          new QLabel(tr("An OpenAI account watched directly: batchmon sends no batches here, it only "
                        "reads the account's. What applies is how often the account is checked, how "
                        "long its history is kept, and the alert thresholds."),
                     this)),
      m_form(new QWidget(this)), m_schedulerState(new QLabel(this)), m_schedulerDetail(new QLabel(this)),
      m_schedulerButton(new QPushButton(tr("Pause scheduler"), this)),
      m_revert(new QPushButton(tr("Revert"), this)), m_apply(new QPushButton(tr("Apply"), this))
{
    for (int i = 0; i < batchConfigFields().size(); ++i)
        m_serverErrors.append(QString());
    m_fields.resize(batchConfigFields().size());

    auto *outer = new QVBoxLayout(this);
    auto *title = new QLabel(tr("<b>Batch configuration</b>"), this);
    outer->addWidget(title);

    // The message line: loading, a failure with Retry, an outcome.
    auto *statusRow = new QHBoxLayout;
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    statusRow->addWidget(m_status, 1);
    statusRow->addWidget(m_retry);
    m_retry->hide();
    connect(m_retry, &QPushButton::clicked, this, &ConfigPanel::reload);
    outer->addLayout(statusRow);
    m_readOnlyNote->setWordWrap(true);
    m_readOnlyNote->hide();
    outer->addWidget(m_readOnlyNote);
    m_accountNote->setWordWrap(true);
    m_accountNote->hide();
    outer->addWidget(m_accountNote);

    // The scheduler, always in view: its state in words and the one button that changes it.
    auto *scheduler = new QGroupBox(tr("Scheduler"), this);
    auto *schedulerLayout = new QHBoxLayout(scheduler);
    auto *schedulerText = new QVBoxLayout;
    QFont bold = m_schedulerState->font();
    bold.setBold(true);
    m_schedulerState->setFont(bold);
    m_schedulerDetail->setWordWrap(true);
    schedulerText->addWidget(m_schedulerState);
    schedulerText->addWidget(m_schedulerDetail);
    schedulerLayout->addLayout(schedulerText, 1);
    schedulerLayout->addWidget(m_schedulerButton, 0, Qt::AlignVCenter);
    connect(m_schedulerButton, &QPushButton::clicked, this, &ConfigPanel::toggleScheduler);
    outer->addWidget(scheduler);
    m_schedulerBox = scheduler;

    // The parameters, in the seed's three groups, two columns wide.
    auto *schedule = new QGroupBox(tr("Schedule"), m_form);
    auto *scheduleGrid = new QGridLayout(schedule);
    buildField(scheduleGrid, BatchConfigField::ProcessingEnabled, tr("Batch processing"),
               tr("Off: no batches are built or submitted; jobs already at the provider are still polled."));
    buildField(scheduleGrid, BatchConfigField::CreateInterval, tr("Create batches"),
               tr("When pending requests are grouped into jobs and submitted."));
    buildField(scheduleGrid, BatchConfigField::StatusCheckInterval, tr("Check status"),
               tr("When submitted jobs are polled (and alerts evaluated)."));
    buildField(scheduleGrid, BatchConfigField::ResultProcessingInterval, tr("Process results"),
               tr("When the results of finished jobs are processed."));
    auto *formats = new QLabel(
        tr("Cron form \"*/N * * * *\" (every N minutes) or \"N * * * *\" (hourly at minute N)."), schedule);
    formats->setWordWrap(true);
    formats->setForegroundRole(QPalette::PlaceholderText);
    scheduleGrid->addWidget(formats, scheduleGrid->rowCount(), 0, 1, 3);
    scheduleGrid->setRowStretch(scheduleGrid->rowCount(), 1);

    auto *limits = new QGroupBox(tr("Batch size and limits"), m_form);
    auto *limitsGrid = new QGridLayout(limits);
    buildField(limitsGrid, BatchConfigField::MaxRequests, tr("Maximum batch size"),
               tr("Requests per job, at most; 50,000 is the OpenAI per-batch limit. Affects only jobs "
                  "built afterwards."));
    buildField(limitsGrid, BatchConfigField::MinSize, tr("Minimum batch size"),
               tr("Requests needed before a job is built; no more than the maximum batch size. Affects only "
                  "jobs built afterwards."));
    buildField(limitsGrid, BatchConfigField::TimeoutHours, tr("Batch timeout"),
               tr("The completion window: a job not finished by then expires."));
    limitsGrid->setRowStretch(limitsGrid->rowCount(), 1);
    m_limitsBox = limits;

    auto *monitoring = new QGroupBox(tr("Monitoring"), m_form);
    auto *monitoringGrid = new QGridLayout(monitoring);
    buildField(monitoringGrid, BatchConfigField::MonitoringRetentionDays, tr("Keep history for"),
               tr("Finished jobs, resolved alert events and audit entries older than this are deleted; "
                  "unfinished jobs are kept."));
    buildField(monitoringGrid, BatchConfigField::AlertThresholdErrorRate, tr("Alert above error rate"),
               tr("The high error rate alert fires when the error rate of the last 24 hours exceeds this; "
                  "the same threshold as the alert rule's."));
    buildField(monitoringGrid, BatchConfigField::AlertThresholdProcessingTime,
               tr("Alert above processing time"),
               tr("The long processing time alert fires when a job takes longer than this (seconds, as "
                  "the environment variable); the same threshold as the alert rule's."));
    monitoringGrid->setRowStretch(monitoringGrid->rowCount(), 1);

    // Two columns, each group as tall as its fields.
    auto *columns = new QHBoxLayout(m_form);
    columns->setContentsMargins(0, 0, 0, 0);
    auto *left = new QVBoxLayout;
    left->addWidget(schedule);
    left->addStretch(1);
    auto *right = new QVBoxLayout;
    right->addWidget(limits);
    right->addWidget(monitoring);
    right->addStretch(1);
    columns->addLayout(left, 1);
    columns->addLayout(right, 1);

    auto *scroll = new QScrollArea(this);
    scroll->setWidget(m_form);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    outer->addWidget(scroll, 1);

    // Apply and Revert belong to the values: they appear with them.
    m_actions = new QWidget(this);
    auto *buttons = new QHBoxLayout(m_actions);
    buttons->setContentsMargins(0, 0, 0, 0);
    auto *when = new QLabel(tr("Changes apply from the next scheduler run."), m_actions);
    when->setForegroundRole(QPalette::PlaceholderText);
    buttons->addWidget(when, 1);
    buttons->addWidget(m_revert);
    buttons->addWidget(m_apply);
    m_apply->setDefault(true);
    connect(m_revert, &QPushButton::clicked, this, &ConfigPanel::revert);
    connect(m_apply, &QPushButton::clicked, this, &ConfigPanel::apply);
    outer->addWidget(m_actions);
    m_actions->hide();

    m_form->hide();
    connect(m_session, &Session::snapshotUpdated, this, &ConfigPanel::onSnapshotUpdated);
    connect(m_session, &Session::stateChanged, this, &ConfigPanel::updateScheduler);
    onSnapshotUpdated();
    reload();
}

QWidget *ConfigPanel::buildField(QGridLayout *grid, BatchConfigField field, const QString &label,
                                 const QString &meaning)
{
    Field &f = m_fields[int(field)];
    const int row = grid->rowCount();
    f.label = new QLabel(label, grid->parentWidget());
    f.note = new QLabel(grid->parentWidget());
    f.note->setForegroundRole(QPalette::PlaceholderText);
    f.error = new QLabel(grid->parentWidget());
    f.error->setWordWrap(true);
    f.error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    f.error->hide();
    setTextColour(f.error, kRed);

    const QLocale locale;
    if (field == BatchConfigField::ProcessingEnabled) {
        m_enabled = new QCheckBox(tr("Build and submit batches"), grid->parentWidget());
        connect(m_enabled, &QCheckBox::toggled, this, &ConfigPanel::onEdited);
        f.editor = m_enabled;
    } else if (isInterval(field)) {
        auto *edit = new QLineEdit(grid->parentWidget());
        edit->setMaxLength(64);
        edit->setPlaceholderText(QStringLiteral("*/5 * * * *"));
        connect(edit, &QLineEdit::textChanged, this, &ConfigPanel::onEdited);
        f.editor = edit;
    } else if (field == BatchConfigField::AlertThresholdErrorRate) {
        m_errorRate = new QDoubleSpinBox(grid->parentWidget());
        const BatchConfigRange range = *batchConfigRange(field);
        m_errorRate->setRange(double(range.min), double(range.max));
        m_errorRate->setDecimals(2);
        m_errorRate->setSuffix(tr(" %"));
        watchTyping(m_errorRate);
        f.editor = m_errorRate;
    } else {
        const BatchConfigRange range = *batchConfigRange(field);
        auto *box = new QSpinBox(grid->parentWidget());
        box->setRange(int(range.min), int(range.max));
        box->setGroupSeparatorShown(true);
        switch (field) {
        case BatchConfigField::MaxRequests:
        case BatchConfigField::MinSize:
            box->setSuffix(tr(" requests"));
            break;
        case BatchConfigField::TimeoutHours:
            box->setSuffix(tr(" hours"));
            break;
        case BatchConfigField::MonitoringRetentionDays:
            box->setSuffix(tr(" days"));
            break;
        case BatchConfigField::AlertThresholdProcessingTime:
            box->setSuffix(tr(" seconds"));
            break;
        default:
            break;
        }
        watchTyping(box);
        f.editor = box;
    }
    // What the field means and which environment variable the server starts from.
    const QString tip =
        QStringLiteral("<b>%1</b><br>%2").arg(batchConfigEnvironmentName(field), meaning.toHtmlEscaped());
    f.label->setToolTip(tip);
    f.editor->setToolTip(tip);
    f.label->setBuddy(f.editor);
    if (field != BatchConfigField::ProcessingEnabled)
        f.editor->setMinimumWidth(
            f.editor->fontMetrics().horizontalAdvance(QStringLiteral("2,592,000 seconds")) + 40);
    grid->addWidget(f.label, row, 0);
    grid->addWidget(f.editor, row, 1);
    grid->addWidget(f.note, row, 2);
    grid->addWidget(f.error, row + 1, 1, 1, 2);
    grid->setColumnStretch(2, 1);
    return f.editor;
}

QSpinBox *ConfigPanel::spin(BatchConfigField field) const
{
    return qobject_cast<QSpinBox *>(m_fields.value(int(field)).editor);
}

QWidget *ConfigPanel::editor(BatchConfigField field) const
{
    return m_fields.value(int(field)).editor;
}

void ConfigPanel::setAccountMode(bool account)
{
    m_accountMode = account;
    m_accountNote->setVisible(account);
    m_schedulerBox->setVisible(!account);
    m_limitsBox->setVisible(!account);
    for (const BatchConfigField field :
         {BatchConfigField::ProcessingEnabled, BatchConfigField::CreateInterval}) {
        const Field &f = m_fields.at(int(field));
        for (QWidget *w : std::initializer_list<QWidget *>{f.label, f.editor, f.note, f.error}) {
            if (w)
                w->setVisible(!account &&
                              (w != static_cast<QWidget *>(f.error) || !fieldError(field).isEmpty()));
        }
    }
}

void ConfigPanel::reload()
{
    if (m_loading)
        return;
    m_loading = true;
    m_retry->hide();
    setStatus(tr("Loading configuration…"), false);
    updateButtons();
    auto *watcher = new QFutureWatcher<ApiResult<BatchConfig>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
        watcher->deleteLater();
        m_loading = false;
        const ApiResult<BatchConfig> r = watcher->future().result();
        if (r.ok()) {
            m_stored = r.value();
            display(r.value());
            m_form->show();
            setStatus(QString(), false);
        } else {
            setStatus(failureText(r.error()), true);
            m_retry->show();
        }
        updateButtons();
        emit loaded(r.ok());
    });
    watcher->setFuture(m_session->source()->fetchConfig());
}

void ConfigPanel::display(const BatchConfig &config)
{
    m_showing = true;
    m_enabled->setChecked(config.batchProcessingEnabled);
    for (BatchConfigField field : batchConfigFields()) {
        if (isInterval(field))
            static_cast<QLineEdit *>(editor(field))->setText(batchConfigInterval(config, field));
        else if (QSpinBox *box = spin(field))
            box->setValue(int(batchConfigNumber(config, field)));
    }
    m_errorRate->setValue(config.batchAlertThresholdErrorRate);
    m_shownErrorRate = m_errorRate->value();
    for (QString &e : m_serverErrors)
        e.clear();
    m_showing = false;
    if (m_scheduler)
        m_scheduler->processingEnabled = config.batchProcessingEnabled;
    updateScheduler();
    updateValidation();
}

BatchConfig ConfigPanel::editedConfig() const
{
    BatchConfig c = m_stored.value_or(BatchConfig());
    c.batchProcessingEnabled = m_enabled->isChecked();
    for (BatchConfigField field : batchConfigFields()) {
        if (isInterval(field))
            setBatchConfigInterval(c, field, static_cast<QLineEdit *>(editor(field))->text());
        else if (QSpinBox *box = spin(field))
            setBatchConfigNumber(c, field, box->value());
    }
    // A stored rate with more decimals than the spin box shows stays as it is until it is edited.
    if (m_errorRate->value() != m_shownErrorRate)
        c.batchAlertThresholdErrorRate = m_errorRate->value();
    return c;
}

bool ConfigPanel::hasChanges() const
{
    return m_stored && editedConfig() != *m_stored;
}

bool ConfigPanel::isValid() const
{
    for (const Field &f : m_fields) {
        if (!f.error->text().isEmpty())
            return false;
    }
    return true;
}

QString ConfigPanel::fieldError(BatchConfigField field) const
{
    return m_fields.value(int(field)).error->text();
}

QString ConfigPanel::fieldNote(BatchConfigField field) const
{
    const QLabel *note = m_fields.value(int(field)).note;
    return note ? note->text() : QString();
}

QString ConfigPanel::statusText() const
{
    return m_status->text();
}

QString ConfigPanel::schedulerText() const
{
    return m_scheduler ? schedulerStateName(*m_scheduler) : tr("Scheduler state not known yet");
}

void ConfigPanel::onEdited()
{
    if (m_showing)
        return;
    // A refusal from the server was about the values sent; an edit makes a new question.
    for (QString &e : m_serverErrors)
        e.clear();
    updateValidation();
}

QString ConfigPanel::typingError(BatchConfigField field) const
{
    // A spin box holding text it cannot take yet ("", "0" below a minimum of 1) keeps its last value;
    // say what is wrong with what is typed rather than check a value the user no longer sees.
    auto *box = qobject_cast<QAbstractSpinBox *>(editor(field));
    if (!box || box->hasAcceptableInput())
        return {};
    const QString typed = field == BatchConfigField::AlertThresholdErrorRate ? m_errorRate->cleanText()
                                                                             : spin(field)->cleanText();
    bool ok = false;
    const double value = QLocale().toDouble(typed, &ok);
    if (ok) {
        if (const auto why = batchConfigNumberReason(field, value))
            return batchConfigFieldName(field) + QStringLiteral(": ") + *why;
    }
    const BatchConfigRange range = *batchConfigRange(field);
    return tr("%1: enter a number from %2 to %3")
        .arg(batchConfigFieldName(field), QLocale().toString(range.min), QLocale().toString(range.max));
}

void ConfigPanel::updateValidation()
{
    const BatchConfig edited = editedConfig();
    QList<QString> errors(batchConfigFields().size());
    for (BatchConfigField field : batchConfigFields())
        errors[int(field)] = typingError(field);
    for (const BatchConfigError &e : validateBatchConfig(edited)) {
        if (errors[int(e.field)].isEmpty())
            errors[int(e.field)] = e.message;
    }
    const QLocale locale;
    for (BatchConfigField field : batchConfigFields()) {
        Field &f = m_fields[int(field)];
        const QString error = errors[int(field)].isEmpty() ? m_serverErrors[int(field)] : errors[int(field)];
        f.error->setText(error);
        f.error->setVisible(!error.isEmpty());
        QString note;
        if (isInterval(field)) {
            note = describeInterval(batchConfigInterval(edited, field));
        } else if (field == BatchConfigField::TimeoutHours) {
            note = QStringLiteral("= ") + readableDuration(edited.batchTimeoutHours * 3600);
        } else if (field == BatchConfigField::AlertThresholdProcessingTime) {
            note = QStringLiteral("= ") + readableDuration(edited.batchAlertThresholdProcessingTime);
        } else if (field == BatchConfigField::MonitoringRetentionDays &&
                   edited.batchMonitoringRetentionDays >= 365) {
            note = tr("≈ %1 years")
                       .arg(locale.toString(double(edited.batchMonitoringRetentionDays) / 365.25, 'f', 1));
        }
        if (f.note)
            f.note->setText(note);
    }
    updateButtons();
}

void ConfigPanel::updateButtons()
{
    const bool idle = !m_loading && !m_applying;
    const bool changes = m_stored && hasChanges();
    m_apply->setEnabled(m_editable && m_stored && idle && changes && isValid());
    m_revert->setEnabled(m_editable && m_stored && idle && changes);
    m_actions->setVisible(m_editable && m_stored);
    for (const Field &f : m_fields) {
        if (auto *line = qobject_cast<QLineEdit *>(f.editor)) {
            line->setReadOnly(!m_editable || m_applying);
        } else if (auto *box = qobject_cast<QAbstractSpinBox *>(f.editor)) {
            box->setReadOnly(!m_editable || m_applying);
            // Arrows that do nothing would look like a fault.
            box->setButtonSymbols(m_editable ? QAbstractSpinBox::UpDownArrows : QAbstractSpinBox::NoButtons);
        }
    }
    m_enabled->setEnabled(m_editable && !m_applying);
    m_schedulerButton->setEnabled(m_editable && m_scheduler && !m_schedulerBusy);
}

void ConfigPanel::apply()
{
    if (!m_apply->isEnabled())
        return;
    const BatchConfig config = editedConfig();
    m_applying = true;
    setStatus(tr("Saving the configuration…"), false);
    updateButtons();
    auto *watcher = new QFutureWatcher<ApiResult<BatchConfig>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
        watcher->deleteLater();
        m_applying = false;
        const ApiResult<BatchConfig> r = watcher->future().result();
        if (r.ok()) {
            // The answer is what the server stores: show exactly that.
            m_stored = r.value();
            display(r.value());
            setStatus(tr("Saved. The values shown are the server's; they apply from the next scheduler run."),
                      false);
            m_session->refresh();
        } else {
            const ApiError &e = r.error();
            setStatus(failureText(e), true);
            // A refused field: the server's message under it too, until the next edit.
            for (BatchConfigField field : batchConfigFields()) {
                if (e.kind == ApiError::Kind::BadRequest &&
                    e.message.startsWith(batchConfigFieldName(field) + QStringLiteral(": ")))
                    m_serverErrors[int(field)] = e.message;
            }
            if (e.kind == ApiError::Kind::Forbidden)
                setEditable(false);
            updateValidation();
        }
        updateButtons();
        emit applied(r.ok());
    });
    watcher->setFuture(m_session->source()->updateConfig(config));
}

void ConfigPanel::revert()
{
    if (!m_stored)
        return;
    display(*m_stored);
    setStatus(QString(), false);
}

void ConfigPanel::setEditable(bool editable)
{
    m_editable = editable;
    m_readOnlyNote->setVisible(!editable);
    // What a viewer sees is the server's configuration, not edits it could never send.
    if (!editable && m_stored && hasChanges())
        display(*m_stored);
    updateButtons();
}

void ConfigPanel::onSnapshotUpdated()
{
    const auto &snapshot = m_session->snapshot();
    if (snapshot && snapshot->scheduler)
        m_scheduler = snapshot->scheduler;
    // The source answers again: a configuration that could not be loaded is asked for again, so the
    // page does not keep saying "cannot reach the server" after it came back.
    if (m_retry->isVisible() && !m_loading)
        reload();
    updateScheduler();
    updateButtons();
}

void ConfigPanel::updateScheduler()
{
    if (!m_scheduler) {
        m_schedulerState->setText(schedulerText());
        m_schedulerDetail->setText(tr("It is shown after the next update from the server."));
        setTextColour(m_schedulerState, std::nullopt);
        m_schedulerButton->setText(tr("Pause scheduler"));
        return;
    }
    const SchedulerState &s = *m_scheduler;
    m_schedulerState->setText(QStringLiteral("● ") + schedulerText());
    if (!s.processingEnabled) {
        m_schedulerDetail->setText(
            (s.paused ? tr("Also paused by an admin. ") : QString()) +
            tr("No batches are built or submitted; jobs already at the provider are still polled. Turn on "
               "batch processing below to start again."));
        setTextColour(m_schedulerState, std::nullopt);
    } else if (s.paused) {
        m_schedulerDetail->setText(
            tr("Jobs are still built (pending) but none is submitted. Jobs already at the "
               "provider continue: they are polled and their results processed."));
        setTextColour(m_schedulerState, kAmber);
    } else {
        m_schedulerDetail->setText(tr("Jobs are built and submitted on the schedule below."));
        setTextColour(m_schedulerState, kGreen);
    }
    m_schedulerButton->setText(s.paused ? tr("Resume scheduler") : tr("Pause scheduler"));
    // A green "Running" from data that is no longer current would be a claim about now.
    if (m_session->state() == Session::State::Stale || m_session->state() == Session::State::Failed) {
        m_schedulerState->setText(tr("%1 (as of %2; the source cannot be reached now)")
                                      .arg(m_schedulerState->text(),
                                           QLocale().toString(m_session->lastSuccess().toLocalTime().time(),
                                                              QLocale::ShortFormat)));
        setTextColour(m_schedulerState, std::nullopt);
    }
}

QString ConfigPanel::schedulerLine() const
{
    return m_schedulerState->text();
}

void ConfigPanel::toggleScheduler()
{
    if (m_accountMode)
        return; // an OpenAI account has no scheduler of batchmon's
    if (!m_scheduler || m_schedulerBusy || !m_editable)
        return;
    const bool pause = !m_scheduler->paused;
    const QString question = schedulerConfirmation(pause, *m_scheduler);
    const bool yes = m_confirm
                         ? m_confirm(question)
                         : QMessageBox::question(this, pause ? tr("Pause scheduler") : tr("Resume scheduler"),
                                                 question) == QMessageBox::Yes;
    if (!yes)
        return;
    m_schedulerBusy = true;
    updateButtons();
    DataSource *source = m_session->source();
    auto *watcher = new QFutureWatcher<ApiResult<SchedulerState>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, pause] {
        watcher->deleteLater();
        m_schedulerBusy = false;
        const ApiResult<SchedulerState> r = watcher->future().result();
        if (r.ok()) {
            m_scheduler = r.value();
            setStatus(pause ? tr("The scheduler is paused: no new jobs are submitted until it is resumed.")
                            : tr("The scheduler is running again."),
                      false);
            m_session->refresh();
        } else {
            setStatus(failureText(r.error()), true);
            if (r.error().kind == ApiError::Kind::Forbidden)
                setEditable(false);
        }
        updateScheduler();
        updateButtons();
        emit schedulerActionFinished(r.ok());
    });
    watcher->setFuture(pause ? source->pauseScheduler() : source->resumeScheduler());
}

void ConfigPanel::setStatus(const QString &text, bool error)
{
    m_status->setText(text);
    m_status->setVisible(!text.isEmpty());
    setTextColour(m_status, error ? std::optional<QColor>(kRed) : std::nullopt);
}

QString ConfigPanel::failureText(const ApiError &error) const
{
    // The sentence that says what to do, and the server's own words when the sentence lacks them.
    QString text = error.userMessage();
    if (!error.message.isEmpty() && !text.contains(error.message))
        text += QLatin1Char(' ') + tr("(The server said: %1)").arg(error.message);
    return text;
}

QString ConfigPanel::describeInterval(const QString &expression)
{
    const auto schedule = CronSchedule::parse(expression);
    if (!schedule)
        return {};
    if (schedule->kind == CronSchedule::Kind::HourlyAtMinute)
        return tr("hourly at minute %1").arg(schedule->minutes);
    return schedule->minutes == 1 ? tr("every minute") : tr("every %1 minutes").arg(schedule->minutes);
}

QString ConfigPanel::schedulerStateName(const SchedulerState &state)
{
    if (!state.processingEnabled)
        return tr("Processing disabled in the configuration");
    return state.paused ? tr("Paused by an admin") : tr("Running");
}

QString ConfigPanel::schedulerConfirmation(bool pause, const SchedulerState &state)
{
    if (pause)
        return tr("Pause the scheduler?\n\nNo new jobs are submitted to the provider until it is resumed; "
                  "incoming requests are still grouped into pending jobs. Jobs already at the provider "
                  "continue: they are polled and their results processed.");
    QString text = tr("Resume the scheduler?\n\nPending jobs are submitted to the provider again from the "
                      "next scheduler run.");
    if (!state.processingEnabled)
        text += tr("\n\nBatch processing is disabled in the configuration, so nothing is submitted until it "
                   "is turned on.");
    return text;
}

QString ConfigPanel::readableDuration(qint64 seconds)
{
    struct Unit
    {
        qint64 seconds;
        QString one;
        QString many;
    };
    const Unit units[] = {
        {86400, tr("1 day"), tr("%1 days")},
        {3600, tr("1 hour"), tr("%1 hours")},
        {60, tr("1 minute"), tr("%1 minutes")},
        {1, tr("1 second"), tr("%1 seconds")},
    };
    if (seconds <= 0)
        return tr("%1 seconds").arg(seconds);
    // The two largest units that are not zero: "1 hour 5 seconds", "about 1 day 1 hour".
    QStringList parts;
    qint64 rest = seconds;
    for (const Unit &u : units) {
        const qint64 n = rest / u.seconds;
        if (n > 0 && parts.size() < 2) {
            parts << unitCount(n, u.one, u.many);
            rest -= n * u.seconds;
        }
    }
    if (rest > 0)
        return tr("about %1").arg(parts.join(QLatin1Char(' ')));
    return parts.join(QLatin1Char(' '));
}

} // namespace batchmon
