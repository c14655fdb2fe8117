// SPDX-License-Identifier: GPL-3.0-or-later
#include "JobCollector.h"

#include <QFutureWatcher>

namespace batchmon {

JobCollector::JobCollector(DataSource *source, const MonitoringQuery &query, const QList<JobStatus> &statuses,
                           QObject *parent)
    : QObject(parent), m_source(source), m_query(query), m_statuses(statuses)
{
    m_query.includeDetails = false;
    m_query.limit = MonitoringQuery::kMaxLimit;
    m_query.page = 1;
}

void JobCollector::start()
{
    fetchNext();
}

void JobCollector::fetchNext()
{
    if (m_cancelled) {
        ApiError cancelled;
        cancelled.kind = ApiError::Kind::Cancelled;
        cancelled.message = tr("cancelled");
        finish(cancelled);
        return;
    }
    if (m_statusIndex >= m_statuses.size()) {
        finish(m_jobs);
        return;
    }
    if (!m_source) {
        ApiError gone;
        gone.kind = ApiError::Kind::Cancelled;
        gone.message = tr("the connection was closed");
        finish(gone);
        return;
    }
    m_query.status = m_statuses.at(m_statusIndex);
    auto *watcher = new QFutureWatcher<ApiResult<MonitoringSnapshot>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
        watcher->deleteLater();
        const ApiResult<MonitoringSnapshot> r = watcher->future().result();
        if (!r.ok()) {
            finish(r.error());
            return;
        }
        const MonitoringSnapshot &s = r.value();
        m_jobs += s.jobs;
        const qint64 totalPages = s.pagination ? s.pagination->totalPages : 1;
        if (m_query.page == 1 && s.pagination)
            m_expected += s.pagination->total;
        emit progress(m_jobs.size(), m_expected);
        if (m_query.page < totalPages && !s.jobs.isEmpty()) {
            ++m_query.page;
        } else {
            ++m_statusIndex;
            m_query.page = 1;
        }
        fetchNext();
    });
    watcher->setFuture(m_source->fetchMonitoring(m_query));
}

void JobCollector::finish(const ApiResult<QList<Job>> &result)
{
    emit finished(result);
    deleteLater();
}

} // namespace batchmon
