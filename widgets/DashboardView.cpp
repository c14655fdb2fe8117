// SPDX-License-Identifier: GPL-3.0-or-later
#include "DashboardView.h"

#include "Charts.h"
#include "JobDetailsDialog.h"
#include "JobFilterProxy.h"
#include "JobTableModel.h"
#include "MetricCard.h"
#include "MetricFigures.h"
#include "Session.h"
#include "source/DataSource.h"
#include "store/JobActions.h"

#include <QComboBox>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QTableView>
#include <QTimer>
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
      m_range(new QComboBox(this)), m_queueChart(new QueueStatusChart(this)),
      m_throughput(makeThroughputChart(this)), m_costs(makeCostSavingsChart(this)),
      m_jobs(new JobTableModel(this)), m_proxy(new JobFilterProxy(this)), m_statusFilter(new QComboBox(this)),
      m_typeFilter(new QComboBox(this)), m_search(new QLineEdit(this)),
      m_previous(new QPushButton(tr("◀ Newer"), this)), m_next(new QPushButton(tr("Older ▶"), this)),
      m_page(new QLabel(this)), m_table(new QTableView(this)), m_status(new QLabel(this))
{
    auto *layout = new QVBoxLayout(this);

    auto *top = new QHBoxLayout;
    m_banner->setWordWrap(true);
    top->addWidget(m_banner, 1);
    top->addWidget(new QLabel(tr("Time range:"), this));
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

    auto *cards = new QHBoxLayout;
    for (const QString &title : {tr("Total Jobs"), tr("Success Rate"), tr("Cost Savings"),
                                 tr("Average Processing Time"), tr("Error Rate")}) {
        auto *card = new MetricCard(title, this);
        m_cards << card;
        cards->addWidget(card);
    }
    layout->addLayout(cards);

    auto *charts = new QHBoxLayout;
    charts->addWidget(m_queueChart);
    charts->addWidget(m_throughput);
    charts->addWidget(m_costs);
    layout->addLayout(charts);

    // Filters go to the server (status, job type, page); the search narrows the page shown.
    auto *filters = new QHBoxLayout;
    m_statusFilter->addItem(tr("All statuses"));
    for (JobStatus st : allJobStatuses())
        m_statusFilter->addItem(toWireString(st), toWireString(st));
    m_typeFilter->addItem(tr("All job types"));
    m_search->setPlaceholderText(tr("Search job or batch id on this page"));
    m_search->setClearButtonEnabled(true);
    filters->addWidget(new QLabel(tr("Status:"), this));
    filters->addWidget(m_statusFilter);
    filters->addWidget(new QLabel(tr("Job type:"), this));
    filters->addWidget(m_typeFilter);
    filters->addWidget(m_search, 1);
    filters->addWidget(m_previous);
    filters->addWidget(m_page);
    filters->addWidget(m_next);
    layout->addLayout(filters);
    connect(m_statusFilter, &QComboBox::currentIndexChanged, this, [this] { applyFilters(1); });
    connect(m_typeFilter, &QComboBox::currentIndexChanged, this, [this] { applyFilters(1); });
    connect(m_search, &QLineEdit::textChanged, m_proxy, &JobFilterProxy::setSearchText);
    connect(m_previous, &QPushButton::clicked, this, [this] { applyFilters(m_session->query().page - 1); });
    connect(m_next, &QPushButton::clicked, this, [this] { applyFilters(m_session->query().page + 1); });
    m_previous->setEnabled(false);
    m_next->setEnabled(false);

    connect(m_table, &QAbstractItemView::activated, this, [this](const QModelIndex &index) {
        showDetails(index.data(JobTableModel::JobIdRole).toString());
    });
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_table, &QWidget::customContextMenuRequested, this, &DashboardView::showMenu);

    m_proxy->setSourceModel(m_jobs);
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder); // the server's order until asked
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    // The spare width goes to the batch id, not to the cost at the far right.
    m_table->horizontalHeader()->setSectionResizeMode(JobTableModel::BatchId, QHeaderView::Stretch);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_status);

    connect(m_session, &Session::snapshotUpdated, this, &DashboardView::onSnapshotUpdated);
    connect(m_session, &Session::statusChanged, this, &DashboardView::updateStatus);
    // "Updated 12 s ago" keeps counting between refreshes.
    auto *tick = new QTimer(this);
    connect(tick, &QTimer::timeout, this, &DashboardView::updateStatus);
    tick->start(1000);
    updateStatus();
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
    m_queueChart->setQueues(snapshot->queues);
    if (snapshot->historical) {
        updateThroughputChart(m_throughput, *snapshot->historical);
        updateCostSavingsChart(m_costs, *snapshot->historical);
    }
    m_jobs->setJobs(snapshot->jobs);
    for (const Job &j : snapshot->jobs) {
        if (m_typeFilter->findText(j.jobType) < 0)
            m_typeFilter->addItem(j.jobType, j.jobType);
    }
    if (snapshot->pagination) {
        const Pagination &p = *snapshot->pagination;
        m_page->setText(tr("Page %1 of %2").arg(p.page).arg(std::max<qint64>(1, p.totalPages)));
        m_previous->setEnabled(p.page > 1);
        m_next->setEnabled(p.page < p.totalPages);
    }
    updateStatus();
}

bool DashboardView::allowed(Action action, const Job &j)
{
    JobAction asked = JobAction::SetPriority;
    switch (action) {
    case Action::Retry:
        asked = JobAction::Retry;
        break;
    case Action::Cancel:
        asked = JobAction::Cancel;
        break;
    case Action::Pause:
        asked = JobAction::Pause;
        break;
    case Action::Resume:
        asked = JobAction::Resume;
        break;
    default:
        break;
    }
    return !JobActions::refusal(asked, j);
}

QString DashboardView::confirmation(Action action, const Job &j)
{
    switch (action) {
    case Action::Retry:
        return tr("Retry %1? Its %2 failed or unfinished requests go to the provider again as a new job "
                  "(attempt %3).")
            .arg(j.id)
            .arg(j.requestCount - j.completedCount)
            .arg(j.attempt + 1);
    case Action::Cancel:
        return isFinished(j.status) || j.status == JobStatus::Pending || j.status == JobStatus::Paused
                   ? tr("Cancel %1? Its %2 requests will not be sent.").arg(j.id).arg(j.requestCount)
                   : tr("Cancel %1 at the provider? Requests already processed (%2 of %3) are kept and "
                        "billed.")
                         .arg(j.id)
                         .arg(j.completedCount + j.failedCount)
                         .arg(j.requestCount);
    case Action::Pause:
        return tr("Hold %1 back? It will not be submitted until resumed.").arg(j.id);
    case Action::Resume:
        return tr("Resume %1? It goes back into the submission queue.").arg(j.id);
    default:
        return tr("Change the priority of %1? Priority decides which pending job is submitted first.")
            .arg(j.id);
    }
}

void DashboardView::showMenu(const QPoint &position)
{
    const QModelIndex index = m_table->indexAt(position);
    if (!index.isValid())
        return;
    const int row = m_jobs->rowOf(index.data(JobTableModel::JobIdRole).toString());
    if (row < 0)
        return;
    const Job job = m_jobs->jobs().at(row);
    QMenu menu(this);
    menu.addAction(tr("&Details…"), this, [this, id = job.id] { showDetails(id); });
    menu.addSeparator();
    const QList<QPair<QString, Action>> items{{tr("&Retry…"), Action::Retry},
                                              {tr("&Cancel…"), Action::Cancel},
                                              {tr("&Pause…"), Action::Pause},
                                              {tr("Res&ume…"), Action::Resume}};
    for (const auto &[text, action] : items) {
        QAction *a = menu.addAction(text, this, [this, action = action, job] { run(action, job); });
        a->setEnabled(allowed(action, job));
    }
    QMenu *priority = menu.addMenu(tr("Priorit&y"));
    priority->setEnabled(allowed(Action::PriorityNormal, job));
    const QList<QPair<QString, Action>> levels{{tr("Urgent"), Action::PriorityUrgent},
                                               {tr("High"), Action::PriorityHigh},
                                               {tr("Normal"), Action::PriorityNormal},
                                               {tr("Low"), Action::PriorityLow}};
    for (const auto &[text, action] : levels)
        priority->addAction(text, this, [this, action = action, job] { run(action, job); });
    menu.exec(m_table->viewport()->mapToGlobal(position));
}

void DashboardView::showDetails(const QString &jobId)
{
    if (jobId.isEmpty())
        return;
    auto *dialog = new JobDetailsDialog(m_session->source(), jobId, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
}

void DashboardView::run(Action action, const Job &job)
{
    const QString question = confirmation(action, job);
    const bool yes = m_confirm ? m_confirm(question)
                               : QMessageBox::question(this, tr("Confirm"), question) == QMessageBox::Yes;
    if (!yes)
        return;
    DataSource *source = m_session->source();
    QFuture<ApiResult<Job>> call;
    switch (action) {
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
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, action, id = job.id] {
        watcher->deleteLater();
        const ApiResult<Job> r = watcher->future().result();
        if (r.ok())
            m_lastOutcome = action == Action::Retry
                                ? tr("%1 is retried as %2.").arg(id, r.value().id)
                                : tr("%1 is now %2.").arg(id, toWireString(r.value().status));
        else
            m_lastOutcome = tr("%1: %2").arg(id, r.error().userMessage());
        m_lastOutcomeAt = QDateTime::currentDateTimeUtc();
        updateStatus();
        emit actionFinished(r.ok());
        m_session->refresh();
    });
    watcher->setFuture(call);
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
    m_status->setText((recent ? m_lastOutcome + QStringLiteral("  ·  ") : QString()) +
                      m_session->statusText(now));
}

} // namespace batchmon
