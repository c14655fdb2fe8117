// SPDX-License-Identifier: GPL-3.0-or-later
#include "JobTableModel.h"

#include "Format.h"
#include "ModelsInfo.h"

#include <QBrush>
#include <QColor>
#include <QLocale>
#include <QSet>

namespace batchmon {

namespace {

QColor statusColor(JobStatus s)
{
    switch (queueOf(s)) {
    case Queue::Completed:
        return QColor(0x2e, 0x7d, 0x32); // green
    case Queue::Failed:
        return QColor(0xc6, 0x28, 0x28); // red
    case Queue::Processing:
        return QColor(0x15, 0x65, 0xc0); // blue
    case Queue::Pending:
        return QColor(0x8d, 0x6e, 0x00); // amber, dark enough on white and on dark palettes' bases
    case Queue::Cancelled:
        return QColor(0x61, 0x61, 0x61);
    }
    return {};
}

} // namespace

int JobTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_jobs.size());
}

int JobTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString JobTableModel::formatDuration(qint64 ms)
{
    const qint64 s = ms / 1000;
    if (s < 60)
        return tr("%1 s").arg(s);
    if (s < 3600)
        return tr("%1 min").arg(s / 60);
    return tr("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60, 2, 10, QLatin1Char('0'));
}

QVariant JobTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Job &j = m_jobs.at(index.row());
    const QLocale locale;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Id:
            return j.id;
        case BatchId:
            return j.batchId.value_or(QString());
        case Status:
            return statusDisplayName(j.status);
        case JobType:
            return j.jobType;
        case Requests:
            return locale.toString(j.requestCount);
        case Completed:
            return locale.toString(j.completedCount);
        case Failed:
            return locale.toString(j.failedCount);
        case Created:
            return locale.toString(j.createdAt.toLocalTime(), QLocale::ShortFormat);
        case Duration:
            return j.processingTimeMs ? formatDuration(*j.processingTimeMs) : QString();
        case Cost:
            // A running job's cost is known when its results are processed; $0.00 would be a claim.
            if (!isFinished(j.status) && j.costEstimate == Money())
                return QString();
            return formatDollars(j.costEstimate, locale);
        }
        break;
    case Qt::TextAlignmentRole:
        if (index.column() >= Requests && index.column() != Created)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return QVariant(Qt::AlignLeft | Qt::AlignVCenter);
    case Qt::ForegroundRole:
        if (index.column() == Status)
            return QBrush(statusColor(j.status));
        break;
    case Qt::ToolTipRole:
        if (index.column() == Status && j.retryOf)
            return tr("Attempt %1, retry of %2").arg(j.attempt).arg(*j.retryOf);
        break;
    case JobIdRole:
        return j.id;
    case StatusRole:
        return int(j.status);
    case SortRole:
        switch (index.column()) {
        case Requests:
            return j.requestCount;
        case Completed:
            return j.completedCount;
        case Failed:
            return j.failedCount;
        case Created:
            return j.createdAt;
        case Duration:
            return j.processingTimeMs.value_or(-1);
        case Cost:
            return j.costEstimate.micros();
        default:
            return data(index, Qt::DisplayRole);
        }
    }
    return {};
}

QVariant JobTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Id:
        return tr("Job");
    case BatchId:
        return tr("Batch");
    case Status:
        return tr("Status");
    case JobType:
        return tr("Type");
    case Requests:
        return tr("Requests");
    case Completed:
        return tr("Completed");
    case Failed:
        return tr("Failed");
    case Created:
        return tr("Created");
    case Duration:
        return tr("Duration");
    case Cost:
        return tr("Cost");
    }
    return {};
}

int JobTableModel::rowOf(const QString &id) const
{
    for (int i = 0; i < m_jobs.size(); ++i) {
        if (m_jobs.at(i).id == id)
            return i;
    }
    return -1;
}

void JobTableModel::setJobs(const QList<Job> &jobs)
{
    // 1. Remove the rows whose job is gone, from the bottom up, in runs.
    QSet<QString> incoming;
    for (const Job &j : jobs)
        incoming.insert(j.id);
    for (int row = int(m_jobs.size()) - 1; row >= 0;) {
        if (incoming.contains(m_jobs.at(row).id)) {
            --row;
            continue;
        }
        int first = row;
        while (first > 0 && !incoming.contains(m_jobs.at(first - 1).id))
            --first;
        beginRemoveRows({}, first, row);
        m_jobs.remove(first, row - first + 1);
        endRemoveRows();
        row = first - 1;
    }
    // 2. Walk the new order: move nothing (a page keeps its order between refreshes, newest first),
    //    insert the new jobs where they belong, and note the changed rows.
    int firstChanged = -1;
    int lastChanged = -1;
    auto flushChanged = [&] {
        if (firstChanged >= 0)
            emit dataChanged(index(firstChanged, 0), index(lastChanged, ColumnCount - 1));
        firstChanged = lastChanged = -1;
    };
    for (int i = 0; i < jobs.size(); ++i) {
        const Job &j = jobs.at(i);
        if (i < m_jobs.size() && m_jobs.at(i).id == j.id) {
            if (!(m_jobs.at(i) == j)) {
                m_jobs[i] = j;
                if (firstChanged < 0)
                    firstChanged = i;
                lastChanged = i;
            } else {
                flushChanged();
            }
            continue;
        }
        flushChanged();
        const int existing = rowOf(j.id);
        if (existing > i) {
            // It moved (an order change): take it out and put it back here.
            beginMoveRows({}, existing, existing, {}, i);
            m_jobs.move(existing, i);
            endMoveRows();
            if (!(m_jobs.at(i) == j)) {
                m_jobs[i] = j;
                emit dataChanged(index(i, 0), index(i, ColumnCount - 1));
            }
            continue;
        }
        beginInsertRows({}, i, i);
        m_jobs.insert(i, j);
        endInsertRows();
    }
    flushChanged();
}

} // namespace batchmon
