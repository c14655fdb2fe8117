// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QSortFilterProxyModel>

namespace batchmon {

/// The job table's search (by job id or batch id, case-insensitive, within the page shown) and
/// sorting by the model's SortRole (numbers as numbers, times as times).
class JobFilterProxy : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit JobFilterProxy(QObject *parent = nullptr);

    void setSearchText(const QString &text);
    QString searchText() const { return m_search; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    QString m_search;
};

} // namespace batchmon
