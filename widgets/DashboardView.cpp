// SPDX-License-Identifier: GPL-3.0-or-later
#include "DashboardView.h"

#include "Charts.h"
#include "HistoryCharts.h"
#include "HistoryRecorder.h"
#include "JobCollector.h"
#include "JobDetailsDialog.h"
#include "JobFilterProxy.h"
#include "JobTableModel.h"
#include "MetricCard.h"
#include "MetricFigures.h"
#include "ModelsInfo.h"
#include "Session.h"
#include "source/DataSource.h"

#include <QAction>
#include <QComboBox>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollBar>
#include <QShortcut>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

namespace batchmon {

namespace {

MetricCard::Trend cardTrend(Trend t)
{
    switch (t) {
    case Trend::Up:
        return MetricCard::Trend::Up;
    case Trend::Down:
        return MetricCard::Trend::Down;
    case Trend::Flat:
        return MetricCard::Trend::Flat;
    case Trend::None:
        break;
    }
    return MetricCard::Trend::None;
}

} // namespace

DashboardView::DashboardView(Session *session, const QString &sourceDescription, QWidget *parent)
    : QWidget(parent), m_session(session), m_banner(new QLabel(sourceDescription, this)),
      m_range(new QComboBox(this)), m_chartTabs(new QTabWidget(this)),
      m_queueChart(new QueueStatusChart(this)), m_throughput(makeThroughputChart(this)),
      m_costs(makeCostSavingsChart(this)), m_errors(new ErrorBreakdownChart(this)),
      m_resources(new ResourceChart(this)), m_queueDepth(makeQueueDepthChart(this)),
      m_successRate(makeSuccessRateChart(this)), m_jobs(new JobTableModel(this)),
      m_proxy(new JobFilterProxy(this)), m_statusFilter(new QComboBox(this)),
      m_typeFilter(new QComboBox(this)), m_search(new QLineEdit(this)),
      m_previous(new QPushButton(tr("◀ &Newer"), this)), m_next(new QPushButton(tr("&Older ▶"), this)),
      m_page(new QLabel(this)), m_table(new QTableView(this)), m_selection(new QLabel(this)),
      m_warning(new QLabel(this)), m_empty(new QLabel(m_table->viewport())), m_status(new QLabel(this))
{
    auto *layout = new QVBoxLayout(this);

    auto *top = new QHBoxLayout;
    m_banner->setWordWrap(true);
    m_banner->setTextInteractionFlags(Qt::TextSelectableByMouse);
    top->addWidget(m_banner, 1);
    auto *rangeLabel = new QLabel(tr("T&ime range:"), this);
    rangeLabel->setBuddy(m_range);
    top->addWidget(rangeLabel);
    const QList<QPair<QString, TimeRange>> ranges{{tr("Last hour"), TimeRange::LastHour},
                                                  {tr("Last 24 hours"), TimeRange::LastDay},
                                                  {tr("Last 7 days"), TimeRange::LastWeek},
                                                  {tr("Last 30 days"), TimeRange::LastMonth}};
    for (const auto &[name, range] : ranges)
        m_range->addItem(name, int(range));
    m_range->setCurrentIndex(1);
    connect(m_range, &QComboBox::currentIndexChanged, this, [this] {
        MonitoringQuery q = m_session->query();
        q.timeRange = TimeRange(m_range->currentData().toInt());
        q.page = 1;
        m_session->setQuery(q);
    });
    top->addWidget(m_range);
    layout->addLayout(top);

    // Stale or missing data is said above the figures, not only in the status bar: cards and charts
    // that look live while the server is gone mislead.
    m_warning->setWordWrap(true);
    m_warning->setAutoFillBackground(true);
    m_warning->setMargin(6);
    m_warning->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::LinksAccessibleByMouse |
                                       Qt::LinksAccessibleByKeyboard);
    m_warning->hide();
    connect(m_warning, &QLabel::linkActivated, this, [this](const QString &link) {
        if (link == QLatin1String("edit")) {
            emit editConnectionRequested();
        } else if (link == QLatin1String("retry")) {
            emit retryRequested();
            m_session->refresh();
        }
    });
    layout->addWidget(m_warning);

    auto *cards = new QHBoxLayout;
    for (const QString &title : {tr("Total Jobs"), tr("Success Rate"), tr("Cost Savings"),
                                 tr("Average Processing Time"), tr("Error Rate")}) {
        auto *card = new MetricCard(title, this);
        m_cards << card;
        cards->addWidget(card);
    }
    layout->addLayout(cards);

    // Two pages of charts, so each keeps a readable width at 1280 px: what is flowing, and what fails.
    auto *activity = new QWidget(m_chartTabs);
    auto *activityLayout = new QHBoxLayout(activity);
    activityLayout->setContentsMargins(0, 0, 0, 0);
    activityLayout->addWidget(m_queueChart);
    activityLayout->addWidget(m_throughput);
    activityLayout->addWidget(m_costs);
    m_chartTabs->addTab(activity, tr("&Activity"));
    auto *problems = new QWidget(m_chartTabs);
    auto *problemsLayout = new QHBoxLayout(problems);
    problemsLayout->setContentsMargins(0, 0, 0, 0);
    problemsLayout->addWidget(m_errors, 3);
    problemsLayout->addWidget(m_resources, 2);
    m_chartTabs->addTab(problems, tr("&Errors and resources"));
    // What only local history knows: how the queues and the success rate moved while the app watched.
    // Drawn while its tab is shown: 30 days of a snapshot a minute is 43,200 rows to average.
    m_recordedPage = new QWidget(m_chartTabs);
    auto *recordedLayout = new QHBoxLayout(m_recordedPage);
    recordedLayout->setContentsMargins(0, 0, 0, 0);
    recordedLayout->addWidget(m_queueDepth);
    recordedLayout->addWidget(m_successRate);
    m_chartTabs->addTab(m_recordedPage, tr("&Recorded"));
    connect(m_chartTabs, &QTabWidget::currentChanged, this, [this] {
        if (m_chartTabs->currentWidget() == m_recordedPage)
            updateRecorded();
    });
    setHistory(nullptr);
    m_chartTabs->setDocumentMode(true);
    layout->addWidget(m_chartTabs, 2);

    // Filters go to the server (status, job type, page); the search narrows the page shown.
    auto *filters = new QHBoxLayout;
    m_statusFilter->addItem(tr("All statuses"));
    for (JobStatus st : allJobStatuses())
        m_statusFilter->addItem(statusDisplayName(st), toWireString(st));
    m_statusFilter->setToolTip(tr("Filters the job table. The cards and charts cover every status; the job "
                                  "type filter narrows them too."));
    m_typeFilter->addItem(tr("All job types"));
    m_search->setPlaceholderText(tr("Search job or batch id on this page (Ctrl+F)"));
    m_search->setClearButtonEnabled(true);
    auto *statusLabel = new QLabel(tr("&Status:"), this);
    statusLabel->setBuddy(m_statusFilter);
    auto *typeLabel = new QLabel(tr("Job t&ype:"), this);
    typeLabel->setBuddy(m_typeFilter);
    filters->addWidget(statusLabel);
    filters->addWidget(m_statusFilter);
    filters->addWidget(typeLabel);
    filters->addWidget(m_typeFilter);
    filters->addWidget(m_search, 1);
    filters->addWidget(m_previous);
    filters->addWidget(m_page);
    filters->addWidget(m_next);
    layout->addLayout(filters);
    connect(m_statusFilter, &QComboBox::currentIndexChanged, this, [this] { applyFilters(1); });
    connect(m_typeFilter, &QComboBox::currentIndexChanged, this, [this] { applyFilters(1); });
    connect(m_search, &QLineEdit::textChanged, m_proxy, &JobFilterProxy::setSearchText);
    connect(m_search, &QLineEdit::textChanged, this, &DashboardView::updateEmptyState);
    connect(m_previous, &QPushButton::clicked, this, [this] { applyFilters(m_session->query().page - 1); });
    connect(m_next, &QPushButton::clicked, this, [this] { applyFilters(m_session->query().page + 1); });
    m_previous->setEnabled(false);
    m_next->setEnabled(false);
    m_previous->setToolTip(tr("Newer jobs (Alt+Page Up)"));
    m_next->setToolTip(tr("Older jobs (Alt+Page Down)"));
    auto *find = new QShortcut(QKeySequence::Find, this, m_search, qOverload<>(&QWidget::setFocus),
                               Qt::WidgetWithChildrenShortcut);
    Q_UNUSED(find)
    auto *newer = new QShortcut(QKeySequence(Qt::ALT | Qt::Key_PageUp), this, m_previous, &QPushButton::click,
                                Qt::WidgetWithChildrenShortcut);
    Q_UNUSED(newer)
    auto *older = new QShortcut(QKeySequence(Qt::ALT | Qt::Key_PageDown), this, m_next, &QPushButton::click,
                                Qt::WidgetWithChildrenShortcut);
    Q_UNUSED(older)

    connect(m_table, &QAbstractItemView::activated, this, [this](const QModelIndex &index) {
        showDetails(index.data(JobTableModel::JobIdRole).toString());
    });
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_table, &QWidget::customContextMenuRequested, this, &DashboardView::showMenu);
    // Shift+F10 opens the menu like the Menu key, at the current row.
    auto *menuKey =
        new QShortcut(QKeySequence(Qt::SHIFT | Qt::Key_F10), m_table, nullptr, nullptr, Qt::WidgetShortcut);
    connect(menuKey, &QShortcut::activated, this,
            [this] { showMenu(m_table->visualRect(m_table->currentIndex()).center()); });
    // The server pages by creation time; a click on a header sorts the page shown, and says so.
    connect(m_table->horizontalHeader(), &QHeaderView::sortIndicatorChanged, this, [this] {
        m_table->horizontalHeader()->setToolTip(tr("Sorting orders the jobs on this page; the pages follow "
                                                   "creation time, newest first."));
        if (const auto &s = m_session->snapshot(); s && s->pagination)
            m_page->setText(pageText(*s->pagination, true));
    });

    m_proxy->setSourceModel(m_jobs);
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder); // the server's order until asked
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setTabKeyNavigation(false); // Tab leaves the table for the action buttons
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    // The spare width goes to the batch id, not to the cost at the far right.
    m_table->horizontalHeader()->setSectionResizeMode(JobTableModel::BatchId, QHeaderView::Stretch);
    layout->addWidget(m_table, 3);
    // Over an empty table, a sentence on why it is empty instead of a blank grid.
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_empty->setForegroundRole(QPalette::PlaceholderText);
    m_empty->setAttribute(Qt::WA_TransparentForMouseEvents);
    m_table->viewport()->installEventFilter(this);
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, &DashboardView::updateEmptyState);
    connect(m_proxy, &QAbstractItemModel::rowsRemoved, this, &DashboardView::updateEmptyState);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &DashboardView::updateEmptyState);

    // Actions on the selection, with the shortcuts the Jobs menu shows.
    const auto makeAction = [this](const QString &text, const QKeySequence &key, Action a) {
        auto *act = new QAction(text, this);
        act->setShortcut(key);
        act->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        connect(act, &QAction::triggered, this, [this, a] { run(a, selectedJobs()); });
        addAction(act);
        return act;
    };
    m_retry = makeAction(tr("&Retry…"), QKeySequence(Qt::CTRL | Qt::Key_R), Action::Retry);
    m_cancel =
        makeAction(tr("&Cancel…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Delete), Action::Cancel);
    m_pause = makeAction(tr("&Pause…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P), Action::Pause);
    m_resume = makeAction(tr("Res&ume…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_U), Action::Resume);
    m_priorityMenu = new QMenu(tr("Priorit&y"), this);
    const QList<QPair<QString, Action>> levels{{tr("&Urgent"), Action::PriorityUrgent},
                                               {tr("&High"), Action::PriorityHigh},
                                               {tr("&Normal"), Action::PriorityNormal},
                                               {tr("&Low"), Action::PriorityLow}};
    for (const auto &[text, level] : levels)
        m_priorityMenu->addAction(text, this, [this, level = level] { run(level, selectedJobs()); });
    m_priority = m_priorityMenu->menuAction();
    m_retryAllFailed = new QAction(tr("Retry &all failed jobs in this view…"), this);
    m_retryAllFailed->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
    m_retryAllFailed->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(m_retryAllFailed, &QAction::triggered, this, &DashboardView::retryAllFailed);
    addAction(m_retryAllFailed);

    auto *actions = new QHBoxLayout;
    actions->addWidget(m_selection);
    for (QAction *act : {m_retry, m_cancel, m_pause, m_resume, m_priority}) {
        auto *button = new QToolButton(this);
        button->setDefaultAction(act);
        button->setToolButtonStyle(Qt::ToolButtonTextOnly);
        button->setFocusPolicy(Qt::StrongFocus);
        if (act == m_priority)
            button->setPopupMode(QToolButton::InstantPopup);
        actions->addWidget(button);
    }
    actions->addStretch(1);
    auto *retryAll = new QToolButton(this);
    retryAll->setDefaultAction(m_retryAllFailed);
    retryAll->setFocusPolicy(Qt::StrongFocus);
    actions->addWidget(retryAll);
    layout->addLayout(actions);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // One line: wrapping made the status bar grow and the table jump with every message.
    m_status->setWordWrap(false);
    m_status->setMinimumWidth(100);
    m_status->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    layout->addWidget(m_status);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &DashboardView::updateActions);
    connect(m_proxy, &QAbstractItemModel::rowsRemoved, this, &DashboardView::updateActions);
    connect(m_proxy, &QAbstractItemModel::dataChanged, this, &DashboardView::updateActions);
    updateActions();

    // Top to bottom, as the eye reads: range, chart tabs, filters, table, actions.
    setTabOrder(m_range, m_chartTabs);
    setTabOrder(m_chartTabs, m_statusFilter);
    setTabOrder(m_statusFilter, m_typeFilter);
    setTabOrder(m_typeFilter, m_search);
    setTabOrder(m_search, m_previous);
    setTabOrder(m_previous, m_next);
    setTabOrder(m_next, m_table);

    connect(m_session, &Session::snapshotUpdated, this, &DashboardView::onSnapshotUpdated);
    connect(m_session, &Session::statusChanged, this, &DashboardView::updateStatus);
    connect(m_session, &Session::statusChanged, this, &DashboardView::updateEmptyState);
    connect(m_session, &Session::statusChanged, this, &DashboardView::updateWarning);
    connect(m_session, &Session::statusChanged, this, &DashboardView::updateActions);
    // "Updated 12 s ago" keeps counting between refreshes.
    auto *tick = new QTimer(this);
    connect(tick, &QTimer::timeout, this, &DashboardView::updateStatus);
    tick->start(1000);
    updateStatus();
    updateEmptyState();
}

void DashboardView::updateWarning()
{
    const Session::State state = m_session->state();
    const bool sessionProblem = state == Session::State::Stale || state == Session::State::Failed;
    if (!sessionProblem && m_sourceProblem.isEmpty()) {
        m_warning->hide();
        return;
    }
    const auto &error = m_session->lastError();
    bool fixable = sessionProblem && error &&
                   (error->kind == ApiError::Kind::Unauthorized || error->kind == ApiError::Kind::Forbidden ||
                    error->kind == ApiError::Kind::Tls);
    QString text;
    if (sessionProblem) {
        text = QStringLiteral("⚠ ") + m_session->statusText(QDateTime::currentDateTimeUtc()).toHtmlEscaped();
        if (state == Session::State::Stale)
            text += QStringLiteral(" ") + tr("The figures below are from then.");
    }
    if (!m_sourceProblem.isEmpty()) {
        if (!text.isEmpty())
            text += QStringLiteral("<br>");
        text += QStringLiteral("⚠ ") + m_sourceProblem.toHtmlEscaped();
        fixable = fixable || m_sourceProblemFixable;
    }
    text += QStringLiteral(" &nbsp;<a href=\"retry\">%1</a>").arg(tr("Try now"));
    if (fixable)
        text += QStringLiteral(" &nbsp;<a href=\"edit\">%1</a>").arg(tr("Edit the connection…"));
    m_warning->setText(text);
    // Amber that reads on light and dark windows alike, with dark text on it.
    QPalette p = m_warning->palette();
    p.setColor(QPalette::Window, QColor(0xf6, 0xc3, 0x4a));
    p.setColor(QPalette::WindowText, QColor(0x20, 0x20, 0x20));
    p.setColor(QPalette::Link, QColor(0x10, 0x3a, 0x8a));
    m_warning->setPalette(p);
    m_warning->show();
}

void DashboardView::setSourceProblem(const QString &text, bool fixable)
{
    if (m_sourceProblem == text && m_sourceProblemFixable == fixable)
        return;
    m_sourceProblem = text;
    m_sourceProblemFixable = fixable;
    updateWarning();
    updateStatus();
}

void DashboardView::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) {
        // Rich text keeps the link colour of the palette it was laid out with: lay it out again.
        const QString banner = m_banner->text();
        m_banner->clear();
        m_banner->setText(banner);
    }
}

QString DashboardView::emptyText() const
{
    if (m_proxy->rowCount() > 0)
        return {};
    const auto &snapshot = m_session->snapshot();
    switch (m_session->state()) {
    case Session::State::Connecting:
        if (!snapshot)
            return tr("Loading…");
        break;
    case Session::State::Failed:
        return tr("No data yet.\n%1")
            .arg(m_session->lastError() ? m_session->lastError()->userMessage() : QString());
    case Session::State::Connected:
    case Session::State::Stale:
        break;
    }
    if (!m_search->text().isEmpty() && m_jobs->rowCount() > 0)
        return tr("No job on this page matches “%1”.").arg(m_search->text());
    if (m_session->query().status || m_session->query().jobType)
        return tr(
            "No jobs with this status and job type in the range.\nChoose “All statuses” or a longer time "
            "range.");
    return tr(
        "No jobs in this time range.\nJobs appear here as soon as the pipeline builds them; try a longer "
        "range.");
}

void DashboardView::updateEmptyState()
{
    const QString text = emptyText();
    m_empty->setText(text);
    m_empty->setVisible(!text.isEmpty());
    m_empty->setGeometry(m_table->viewport()->rect().adjusted(24, 24, -24, -24));
}

bool DashboardView::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_table->viewport() && event->type() == QEvent::Resize)
        updateEmptyState();
    return QWidget::eventFilter(watched, event);
}

void DashboardView::onSnapshotUpdated()
{
    const auto &snapshot = m_session->snapshot();
    if (!snapshot)
        return;
    const DashboardFigures f = DashboardFigures::of(*snapshot);
    const CardFigure *figures[] = {&f.totalJobs, &f.successRate, &f.costSavings, &f.averageProcessingTime,
                                   &f.errorRate};
    for (int i = 0; i < m_cards.size(); ++i) {
        m_cards[i]->setValue(figures[i]->value);
        m_cards[i]->setChange(figures[i]->change, cardTrend(figures[i]->trend), figures[i]->good);
    }
    // The charts follow one per event-loop turn: laying out and painting all five at once took
    // 70 ms on the first fill (batchmon-bench-ui), too long for the UI thread to be deaf to input.
    m_chartStep = 0;
    if (!m_chartsPending) {
        m_chartsPending = true;
        QTimer::singleShot(0, this, &DashboardView::updateNextChart);
    }
    // New jobs arrive on top. A user who scrolled down keeps the same job at the top of the view; one
    // at the very top sees the new ones.
    QString anchor;
    if (m_table->verticalScrollBar()->value() > 0)
        anchor = m_table->indexAt(QPoint(1, 1)).data(JobTableModel::JobIdRole).toString();
    m_jobs->setJobs(snapshot->jobs);
    if (const int row = m_jobs->rowOf(anchor); !anchor.isEmpty() && row >= 0) {
        const QModelIndex shown = m_proxy->mapFromSource(m_jobs->index(row, 0));
        if (shown.isValid())
            m_table->scrollTo(shown, QAbstractItemView::PositionAtTop);
    }
    for (const Job &j : snapshot->jobs) {
        if (m_typeFilter->findText(j.jobType) < 0)
            m_typeFilter->addItem(j.jobType, j.jobType);
    }
    if (snapshot->pagination) {
        const Pagination &p = *snapshot->pagination;
        const bool sorted = m_table->horizontalHeader()->sortIndicatorSection() >= 0;
        m_page->setText(pageText(p, sorted));
        m_previous->setEnabled(p.page > 1);
        m_next->setEnabled(p.page < p.totalPages);
    }
    updateActions();
    updateStatus();
}

void DashboardView::updateNextChart()
{
    const auto &snapshot = m_session->snapshot();
    if (!snapshot) {
        m_chartsPending = false;
        return;
    }
    switch (m_chartStep++) {
    case 0:
        m_queueChart->setQueues(snapshot->queues);
        break;
    case 1:
        // The merge reads local history only for slots the server has no jobs in: usually nothing.
        if (m_history) {
            m_merged = m_history->merged(*snapshot);
        } else if (snapshot->historical) {
            m_merged.historical = *snapshot->historical;
            m_merged.fromHistory.clear();
            m_merged.historyBefore.reset();
        }
        if (m_history || snapshot->historical)
            updateThroughputChart(m_throughput, m_merged);
        m_throughput->setMarkers(m_alertMarkers);
        break;
    case 2:
        if (m_history || snapshot->historical)
            updateCostSavingsChart(m_costs, m_merged);
        break;
    case 3:
        if (snapshot->errors) {
            QList<QPair<QString, qint64>> errors;
            for (const ErrorSummaryEntry &e : *snapshot->errors)
                errors << qMakePair(e.error, e.count);
            m_errors->setErrors(errors);
        }
        break;
    case 4:
        if (snapshot->resources)
            m_resources->setResources(*snapshot->resources, snapshot->summary.totalRequests);
        break;
    case 5:
        if (m_chartTabs->currentWidget() == m_recordedPage)
            updateRecorded();
        break;
    default:
        m_chartsPending = false;
        emit chartsUpdated();
        return;
    }
    QTimer::singleShot(0, this, &DashboardView::updateNextChart);
}

void DashboardView::updateRecorded()
{
    if (!m_history)
        return;
    const QString empty =
        m_history->isAvailable()
            ? tr("Recording: local history is kept while connected to a server. On this range a point "
                 "stands for %1 of recording; the trend appears once two are recorded.")
                  .arg(JobTableModel::formatDuration(
                      HistoryRecorder::sampleSeconds(m_session->query().timeRange) * 1000))
            : tr("Local history is unavailable, so nothing is recorded: %1").arg(m_history->problem());
    updateRecordedCharts(m_queueDepth, m_successRate, m_history->samples(m_session->query().timeRange),
                         empty);
}

void DashboardView::setHistory(HistoryRecorder *history)
{
    m_history = history;
    if (!history) {
        const QString text = tr("Local history is recorded while connected to a server: queue depth and "
                                "success rate over time appear here. The demo workspace keeps its own.");
        m_queueDepth->setEmptyText(text);
        m_successRate->setEmptyText(text);
    }
    if (m_session->snapshot()) {
        m_chartStep = 0;
        if (!m_chartsPending) {
            m_chartsPending = true;
            QTimer::singleShot(0, this, &DashboardView::updateNextChart);
        }
    }
}

void DashboardView::setAlertMarkers(const QList<AlertEvent> &events)
{
    m_alertMarkers.clear();
    for (const AlertEvent &e : events)
        m_alertMarkers << qMakePair(e.firstSeen, e.message);
    m_throughput->setMarkers(m_alertMarkers);
}

QAction *DashboardView::action(Action a) const
{
    switch (a) {
    case Action::Retry:
        return m_retry;
    case Action::Cancel:
        return m_cancel;
    case Action::Pause:
        return m_pause;
    case Action::Resume:
        return m_resume;
    default:
        return m_priority;
    }
}

QList<Job> DashboardView::selectedJobs() const
{
    QList<Job> jobs;
    QModelIndexList rows = m_table->selectionModel()->selectedRows();
    std::sort(rows.begin(), rows.end(),
              [](const QModelIndex &a, const QModelIndex &b) { return a.row() < b.row(); });
    for (const QModelIndex &index : rows) {
        const int row = m_jobs->rowOf(index.data(JobTableModel::JobIdRole).toString());
        if (row >= 0)
            jobs << m_jobs->jobs().at(row);
    }
    return jobs;
}

QString DashboardView::pageText(const Pagination &p, bool sorted) const
{
    // "Page 2 of 179 · 8,930 jobs": how many the range and filters hold, not only the page.
    const QString page = tr("Page %1 of %2 · %3 jobs")
                             .arg(p.page)
                             .arg(std::max<qint64>(1, p.totalPages))
                             .arg(QLocale().toString(p.total));
    return sorted ? page + tr(" (sorted within the page)") : page;
}

void DashboardView::setRecordedTabVisible(bool visible)
{
    m_chartTabs->setTabVisible(m_chartTabs->indexOf(m_recordedPage), visible);
}

void DashboardView::lockRange(TimeRange range, const QString &why)
{
    const int index = m_range->findData(int(range));
    if (index >= 0)
        m_range->setCurrentIndex(index);
    m_range->setEnabled(false);
    m_range->setToolTip(why);
}

void DashboardView::setCanAct(bool canAct, const QString &why)
{
    m_canAct = canAct;
    m_cannotActReason = why;
    updateActions();
}

void DashboardView::setUnavailableActions(const QList<Action> &actions, const QString &why)
{
    m_unavailable = actions;
    m_unavailableReason = why;
    updateActions();
}

void DashboardView::updateActions()
{
    const QList<Job> jobs = selectedJobs();
    const bool busy = m_run.active;
    for (Action a : {Action::Retry, Action::Cancel, Action::Pause, Action::Resume, Action::PriorityNormal}) {
        QAction *act = action(a);
        if (m_unavailable.contains(a)) {
            act->setEnabled(false);
            act->setToolTip(m_unavailableReason);
            continue;
        }
        const bool some =
            std::any_of(jobs.begin(), jobs.end(), [a](const Job &j) { return commandAllowed(a, j); });
        act->setEnabled(m_canAct && some && !busy);
        act->setToolTip(!m_canAct ? m_cannotActReason
                        : jobs.isEmpty()
                            ? tr("Select one or more jobs in the table first.")
                            : (some ? QString() : tr("The selected jobs' statuses do not allow this.")));
    }
    const bool retryUnavailable = m_unavailable.contains(Action::Retry);
    m_retryAllFailed->setEnabled(!retryUnavailable && m_canAct && !busy && m_session->snapshot().has_value());
    m_retryAllFailed->setToolTip(
        retryUnavailable ? m_unavailableReason
        : m_canAct       ? tr("Every failed or expired job of this range and filters, on all pages.")
                         : m_cannotActReason);
    m_selection->setText(jobs.isEmpty()     ? tr("No job selected")
                         : jobs.size() == 1 ? tr("1 job selected:")
                                            : tr("%1 jobs selected:").arg(jobs.size()));
}

void DashboardView::showMenu(const QPoint &position)
{
    // A right click on a row outside the selection selects that row, as file managers do; the menu
    // key acts on the selection as it is.
    const QModelIndex index = m_table->indexAt(position);
    if (index.isValid() && !m_table->selectionModel()->isRowSelected(index.row(), QModelIndex()))
        m_table->selectRow(index.row());
    const QList<Job> jobs = selectedJobs();
    if (jobs.isEmpty())
        return;
    QMenu menu(this);
    QAction *details =
        menu.addAction(tr("&Details…"), this, [this, id = jobs.first().id] { showDetails(id); });
    details->setEnabled(jobs.size() == 1);
    menu.addSeparator();
    menu.addActions({m_retry, m_cancel, m_pause, m_resume, m_priority});
    menu.addSeparator();
    menu.addAction(m_retryAllFailed);
    const QPoint at = index.isValid() ? position : m_table->visualRect(m_table->currentIndex()).center();
    menu.exec(m_table->viewport()->mapToGlobal(at));
}

void DashboardView::showDetails(const QString &jobId)
{
    if (jobId.isEmpty())
        return;
    auto *dialog = new JobDetailsDialog(m_session->source(), jobId, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
}

void DashboardView::run(Action action, const QList<Job> &jobs)
{
    if (m_run.active)
        return;
    const std::optional<Summary> range =
        m_session->snapshot() ? std::optional<Summary>(m_session->snapshot()->summary) : std::nullopt;
    const ActionPlan plan(action, jobs, range);
    m_lastQuestion = plan.question();
    if (plan.eligible().isEmpty()) {
        m_lastOutcome = m_lastQuestion;
        m_lastOutcomeAt = QDateTime::currentDateTimeUtc();
        updateStatus();
        if (!m_confirm)
            QMessageBox::information(this, ActionPlan::verb(action), m_lastQuestion);
        emit actionFinished(false);
        return;
    }
    bool yes = false;
    if (m_confirm) {
        yes = m_confirm(m_lastQuestion);
    } else {
        // Buttons that say what they do: "Cancel" / "No" under "Cancel 3 jobs?" was a riddle.
        QMessageBox box(QMessageBox::Question, ActionPlan::verb(action), m_lastQuestion,
                        QMessageBox::NoButton, this);
        QPushButton *go =
            box.addButton(plan.eligible().size() == 1
                              ? tr("%1 the job").arg(ActionPlan::verb(action))
                              : tr("%1 %2 jobs").arg(ActionPlan::verb(action)).arg(plan.eligible().size()),
                          QMessageBox::AcceptRole);
        QPushButton *keep = box.addButton(tr("Leave as it is"), QMessageBox::RejectRole);
        box.setDefaultButton(keep);
        box.exec();
        yes = box.clickedButton() == go;
    }
    if (!yes) {
        m_lastOutcome.clear(); // "Looking for failed jobs…" and the like are over
        updateStatus();
        return;
    }
    m_run = Run();
    m_run.action = action;
    m_run.pending = plan.eligible();
    m_run.total = int(plan.eligible().size());
    m_run.active = true;
    updateActions();
    runNext();
}

void DashboardView::runNext()
{
    if (m_run.pending.isEmpty()) {
        finishRun();
        return;
    }
    const int done = m_run.total - int(m_run.pending.size());
    if (m_run.total > 1) {
        m_lastOutcome =
            tr("%1: %2 of %3 jobs…").arg(ActionPlan::verb(m_run.action)).arg(done).arg(m_run.total);
        m_lastOutcomeAt = QDateTime::currentDateTimeUtc();
        updateStatus();
    }
    const Job job = m_run.pending.takeFirst();
    DataSource *source = m_session->source();
    QFuture<ApiResult<Job>> call;
    switch (m_run.action) {
    case Action::Retry:
        call = source->retryJob(job.id);
        break;
    case Action::Cancel:
        call = source->cancelJob(job.id);
        break;
    case Action::Pause:
        call = source->pauseJob(job.id);
        break;
    case Action::Resume:
        call = source->resumeJob(job.id);
        break;
    case Action::PriorityLow:
        call = source->setJobPriority(job.id, JobPriority::Low);
        break;
    case Action::PriorityNormal:
        call = source->setJobPriority(job.id, JobPriority::Normal);
        break;
    case Action::PriorityHigh:
        call = source->setJobPriority(job.id, JobPriority::High);
        break;
    case Action::PriorityUrgent:
        call = source->setJobPriority(job.id, JobPriority::Urgent);
        break;
    }
    auto *watcher = new QFutureWatcher<ApiResult<Job>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, id = job.id] {
        watcher->deleteLater();
        const ApiResult<Job> r = watcher->future().result();
        if (r.ok()) {
            ++m_run.succeeded;
            m_run.newJobs << (m_run.action == Action::Retry
                                  ? tr("%1 is retried as %2.").arg(id, r.value().id)
                                  : tr("%1 is now %2.").arg(id, toWireString(r.value().status)));
        } else if (m_run.total > 1 && r.error().kind == ApiError::Kind::Conflict &&
                   r.error().message.contains(QLatin1String("was already retried as"))) {
            ++m_run.retriedBefore; // its retry is the one to look at; not a failure of this run
        } else {
            m_run.failures << tr("%1: %2").arg(id, r.error().userMessage());
            // Without a connection or the right, the rest would fail the same way.
            const ApiError::Kind k = r.error().kind;
            if (k == ApiError::Kind::Unauthorized || k == ApiError::Kind::Forbidden ||
                k == ApiError::Kind::Offline || k == ApiError::Kind::Tls || k == ApiError::Kind::Cancelled)
                m_run.pending.clear();
        }
        runNext();
    });
    watcher->setFuture(call);
}

void DashboardView::finishRun()
{
    const bool ok = m_run.failures.isEmpty();
    if (m_run.total == 1) {
        m_lastOutcome = ok ? m_run.newJobs.value(0) : m_run.failures.value(0);
    } else {
        const int notSent = m_run.total - m_run.succeeded - m_run.retriedBefore - int(m_run.failures.size());
        m_lastOutcome = tr("%1: %2 of %3 jobs done.")
                            .arg(ActionPlan::verb(m_run.action))
                            .arg(m_run.succeeded)
                            .arg(m_run.total);
        if (m_run.retriedBefore > 0)
            m_lastOutcome += QLatin1Char(' ') +
                             (m_run.retriedBefore == 1
                                  ? tr("1 had been retried before; its retry is the one to watch.")
                                  : tr("%1 had been retried before; their retries are the ones to watch.")
                                        .arg(m_run.retriedBefore));
        if (!m_run.failures.isEmpty())
            m_lastOutcome +=
                QLatin1Char(' ') +
                tr("%1 refused, the first: %2").arg(m_run.failures.size()).arg(m_run.failures.first());
        if (notSent > 0)
            m_lastOutcome += QLatin1Char(' ') + tr("%1 not sent after that error.").arg(notSent);
    }
    m_lastOutcomeAt = QDateTime::currentDateTimeUtc();
    m_run.active = false;
    updateActions();
    updateStatus();
    emit actionFinished(ok);
    m_session->refresh();
}

void DashboardView::retryAllFailed()
{
    if (m_run.active)
        return;
    // The view's status filter narrows "failed": a filter on another status leaves nothing to retry.
    QList<JobStatus> statuses{JobStatus::Failed, JobStatus::Expired};
    if (const auto shown = m_session->query().status)
        statuses = statuses.contains(*shown) ? QList<JobStatus>{*shown} : QList<JobStatus>{};
    auto *collector = new JobCollector(m_session->source(), m_session->query(), statuses, this);
    m_lastOutcome = tr("Looking for failed jobs in this view…");
    m_lastOutcomeAt = QDateTime::currentDateTimeUtc();
    updateStatus();
    connect(collector, &JobCollector::finished, this, [this](const ApiResult<QList<Job>> &r) {
        if (!r.ok()) {
            m_lastOutcome = tr("The failed jobs could not be listed: %1").arg(r.error().userMessage());
            m_lastOutcomeAt = QDateTime::currentDateTimeUtc();
            updateStatus();
            emit actionFinished(false);
            return;
        }
        if (r.value().isEmpty()) {
            m_lastOutcome = tr("There are no failed jobs in this view.");
            m_lastOutcomeAt = QDateTime::currentDateTimeUtc();
            updateStatus();
            emit actionFinished(true);
            return;
        }
        run(Action::Retry, r.value());
    });
    collector->start();
}

void DashboardView::applyFilters(qint64 page)
{
    MonitoringQuery q = m_session->query();
    const QString status = m_statusFilter->currentData().toString();
    q.status = status.isEmpty() ? std::nullopt : jobStatusFromWire(status);
    const QString type = m_typeFilter->currentData().toString();
    q.jobType = type.isEmpty() ? std::nullopt : std::optional<QString>(type);
    q.page = std::max<qint64>(1, page);
    m_session->setQuery(q);
}

void DashboardView::updateStatus()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    // An action's outcome stays in view for 10 s next to the connection's state.
    const bool recent = m_lastOutcomeAt.isValid() && m_lastOutcomeAt.secsTo(now) < 10;
    QString text =
        (recent ? m_lastOutcome + QStringLiteral("  ·  ") : QString()) + m_session->statusText(now);
    if (!m_sourceProblem.isEmpty())
        text += QStringLiteral("  ·  ") + m_sourceProblem;
    m_status->setText(text);
    m_status->setToolTip(text);
    if (m_warning->isVisible())
        updateWarning(); // its "… ago" and "in … s" count too
}

} // namespace batchmon
