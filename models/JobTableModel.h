// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "domain/Job.h"

#include <QAbstractTableModel>
#include <QList>

namespace batchmon {

/**
 * The jobs of the current page, one row each, in the order the server sent them. setJobs() diffs the
 * new page against the shown one — rows removed, inserted and changed in spans — and never resets,
 * so a refresh keeps the user's selection and scroll position (Transmission's TorrentModel does the
 * same).
 */
class JobTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        Id,
        BatchId,
        Status,
        JobType,
        Requests,
        Completed,
        Failed,
        Created,
        Duration,
        Cost,
        ColumnCount
    };
    enum Role
    {
        JobIdRole = Qt::UserRole + 1,
        StatusRole,
        SortRole
    };

    using QAbstractTableModel::QAbstractTableModel;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void setJobs(const QList<Job> &jobs);
    const QList<Job> &jobs() const { return m_jobs; }
    /// The row of the job with `id`, or -1.
    int rowOf(const QString &id) const;

    /// "31 min", "2 h 05 min", "45 s": a duration as the table shows it.
    static QString formatDuration(qint64 ms);

private:
    QList<Job> m_jobs;
};

} // namespace batchmon
