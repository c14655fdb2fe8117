// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QWidget>

class QComboBox;
class QLabel;
class QTableView;

namespace batchmon {

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

private:
    void onSnapshotUpdated();
    void updateStatus();

    Session *m_session;
    QLabel *m_banner;
    QComboBox *m_range;
    QList<MetricCard *> m_cards;
    QueueStatusChart *m_queueChart;
    TrendChart *m_throughput;
    TrendChart *m_costs;
    JobTableModel *m_jobs;
    QTableView *m_table;
    QLabel *m_status;
};

} // namespace batchmon
