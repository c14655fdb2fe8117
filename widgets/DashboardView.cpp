// SPDX-License-Identifier: GPL-3.0-or-later
#include "DashboardView.h"

#include "Charts.h"
#include "JobFilterProxy.h"
#include "JobTableModel.h"
#include "MetricCard.h"
#include "MetricFigures.h"
#include "Session.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
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
    m_status->setText(m_session->statusText(QDateTime::currentDateTimeUtc()));
}

} // namespace batchmon
