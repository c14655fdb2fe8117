// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "domain/Job.h"

#include <QWidget>

#include <functional>

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

    /// The job actions of the table's context menu (docs/api.md §7.3), for one job.
    enum class Action
    {
        Retry,
        Cancel,
        Pause,
        Resume,
        PriorityLow,
        PriorityNormal,
        PriorityHigh,
        PriorityUrgent
    };
    /// Whether `action` is allowed for `job` now (the menu disables the others).
    static bool allowed(Action action, const Job &job);
    /// What the confirmation asks, in words: how many jobs and requests, and what happens.
    static QString confirmation(Action action, const Job &job);
    /// Asks (unless a test replaced the question), runs the action, shows the outcome, refreshes.
    void run(Action action, const Job &job);
    /// Tests answer the confirmation themselves instead of a modal dialog.
    void setConfirm(std::function<bool(const QString &)> confirm) { m_confirm = std::move(confirm); }
    /// Opens the job's details (double-click, Enter, or the context menu).
    void showDetails(const QString &jobId);
    /// The last action's outcome as shown to the user.
    QString lastOutcome() const { return m_lastOutcome; }

signals:
    void actionFinished(bool ok);

private:
    void onSnapshotUpdated();
    void showMenu(const QPoint &position);
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
    std::function<bool(const QString &)> m_confirm;
    QString m_lastOutcome;
    QDateTime m_lastOutcomeAt;
};

} // namespace batchmon
