// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;

namespace batchmon {

class JobFilterProxy;
class JobTableModel;
class MetricCard;
class QueueStatusChart;
class Session;
class TrendChart;

/// The dashboard: the source's banner, the range selector, the seed's five metric cards, the job
/// table and the session's status line, all following one Session.
class DashboardView : public QWidget
{
    Q_OBJECT
public:
    DashboardView(Session *session, const QString &sourceDescription, QWidget *parent = nullptr);

    MetricCard *card(int i) const { return m_cards.value(i); }
    QTableView *jobTable() const { return m_table; }
    QueueStatusChart *queueChart() const { return m_queueChart; }
    TrendChart *throughputChart() const { return m_throughput; }
    TrendChart *costChart() const { return m_costs; }
    QLabel *statusLabel() const { return m_status; }
    QComboBox *statusFilter() const { return m_statusFilter; }
    QComboBox *typeFilter() const { return m_typeFilter; }
    QLineEdit *search() const { return m_search; }
    QPushButton *nextPage() const { return m_next; }
    QPushButton *previousPage() const { return m_previous; }
    QLabel *pageLabel() const { return m_page; }

private:
    void onSnapshotUpdated();
    void updateStatus();
    void applyFilters(qint64 page);

    Session *m_session;
    QLabel *m_banner;
    QComboBox *m_range;
    QList<MetricCard *> m_cards;
    QueueStatusChart *m_queueChart;
    TrendChart *m_throughput;
    TrendChart *m_costs;
    JobTableModel *m_jobs;
    JobFilterProxy *m_proxy;
    QComboBox *m_statusFilter;
    QComboBox *m_typeFilter;
    QLineEdit *m_search;
    QPushButton *m_previous;
    QPushButton *m_next;
    QLabel *m_page;
    QTableView *m_table;
    QLabel *m_status;
};

} // namespace batchmon
