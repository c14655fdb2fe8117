// SPDX-License-Identifier: GPL-3.0-or-later
#include "JobFilterProxy.h"

#include "JobTableModel.h"

namespace batchmon {

JobFilterProxy::JobFilterProxy(QObject *parent) : QSortFilterProxyModel(parent)
{
    setSortRole(JobTableModel::SortRole);
    setDynamicSortFilter(true);
}

void JobFilterProxy::setSearchText(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (trimmed == m_search)
        return;
    m_search = trimmed;
    invalidateFilter();
}

bool JobFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (m_search.isEmpty())
        return true;
    for (int column : {int(JobTableModel::Id), int(JobTableModel::BatchId)}) {
        const QString text = sourceModel()->index(sourceRow, column, sourceParent).data().toString();
        if (text.contains(m_search, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

} // namespace batchmon
