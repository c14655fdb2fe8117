// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "source/DataSource.h"

#include <QObject>
#include <QPointer>

namespace batchmon {

/**
 * Every job of a view, not only the page shown: walks the pages of `query` (its range and job type)
 * once for each of `statuses`, 100 jobs a page, and finishes with all of them or with the first
 * error. Used by "Retry all failed jobs in this view". Deletes itself after `finished`.
 */
class JobCollector : public QObject
{
    Q_OBJECT
public:
    JobCollector(DataSource *source, const MonitoringQuery &query, const QList<JobStatus> &statuses,
                 QObject *parent = nullptr);
    /// Starts; `finished` follows, always (also for an empty status list).
    void start();
    /// Stops after the page under way; `finished` reports Cancelled.
    void cancel() { m_cancelled = true; }

signals:
    void progress(qint64 collected, qint64 expected);
    void finished(const batchmon::ApiResult<QList<Job>> &result);

private:
    void fetchNext();
    void finish(const ApiResult<QList<Job>> &result);

    QPointer<DataSource> m_source;
    MonitoringQuery m_query;
    QList<JobStatus> m_statuses;
    int m_statusIndex = 0;
    qint64 m_expected = 0;
    QList<Job> m_jobs;
    bool m_cancelled = false;
};

} // namespace batchmon
