// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ActionPlan.h"
#include "domain/Alerts.h"
#include "domain/Job.h"
#include "history/HistoryMerge.h"

#include <QPointer>
#include <QWidget>

#include <functional>

class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QMenu;
class QPushButton;
class QTabWidget;
class QTableView;
class QToolButton;

namespace batchmon {

class ErrorBreakdownChart;
class HistoryRecorder;
class JobFilterProxy;
class JobTableModel;
class MetricCard;
class QueueStatusChart;
class ResourceChart;
class Session;
class TrendChart;

/// The dashboard: the source's banner, the range selector, the seed's five metric cards, the charts,
/// the job table with its actions and the session's status line, all following one Session.
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
    ErrorBreakdownChart *errorChart() const { return m_errors; }
    ResourceChart *resourceChart() const { return m_resources; }
    /// The "Recorded" tab: queue depth and success rate over time, from local history.
    TrendChart *queueDepthChart() const { return m_queueDepth; }
    TrendChart *successRateChart() const { return m_successRate; }
    QTabWidget *chartTabs() const { return m_chartTabs; }
    QLabel *statusLabel() const { return m_status; }
    QLabel *banner() const { return m_banner; }
    QComboBox *rangeSelector() const { return m_range; }
    QComboBox *statusFilter() const { return m_statusFilter; }
    QComboBox *typeFilter() const { return m_typeFilter; }
    QLineEdit *search() const { return m_search; }
    QPushButton *nextPage() const { return m_next; }
    QPushButton *previousPage() const { return m_previous; }
    QLabel *pageLabel() const { return m_page; }
    /// The text over an empty table ("No jobs in this range…", "Loading…", why there is no data), or
    /// empty when the table has rows.
    QString emptyText() const;

    /// Whether every chart shows the current snapshot (see chartsUpdated()).
    bool chartsCurrent() const { return !m_chartsPending; }

    using Action = JobCommand;
    /// The action on the table's selection (Retry, Cancel, Pause, Resume; PriorityNormal stands for
    /// the priority menu), enabled when the user may act and a selected job's status allows it.
    QAction *action(Action action) const;
    /// "Retry all failed jobs in this view…": every failed or expired job of the range and filters,
    /// across all pages.
    QAction *retryAllFailedAction() const { return m_retryAllFailed; }
    /// The jobs selected in the table, in the table's order.
    QList<Job> selectedJobs() const;

    /// Shows or hides the Recorded tab (an exported file has no local history to draw).
    void setRecordedTabVisible(bool visible);
    /// Shows `range` and stops the user from changing it (an export holds one range); `why` is the
    /// selector's tooltip.
    void lockRange(TimeRange range, const QString &why);

    /// Whether the user may act on jobs (false for a viewer token or a read-only source); `why` is
    /// shown in the disabled actions' tooltips.
    void setCanAct(bool canAct, const QString &why = QString());
    bool canAct() const { return m_canAct; }
    /**
     * Actions that make no sense for this source, whatever the user may do and the jobs' statuses:
     * they stay disabled, with `why` as their tooltip (batches imported from an OpenAI account cannot
     * be retried or paused). Retry covers "Retry all failed jobs" too; PriorityNormal the priority menu.
     */
    void setUnavailableActions(const QList<Action> &actions, const QString &why);

    /**
     * A problem of the source itself while its data still loads (an OpenAI account's collector that
     * cannot list the batches: a refused key, an unreachable API): shown in the warning strip and the
     * status line until cleared with an empty `text`. `fixable`: the connection's settings are the
     * likely cause, so the strip offers to edit them.
     */
    void setSourceProblem(const QString &text, bool fixable);
    QString sourceProblem() const { return m_sourceProblem; }

    /// Asks (unless a test replaced the question), runs the action on every job it applies to, one
    /// after the other, shows the outcome and refreshes.
    void run(Action action, const QList<Job> &jobs);
    void run(Action action, const Job &job) { run(action, QList<Job>{job}); }
    /// Collects every failed or expired job of the view (all pages) and retries them, after asking.
    void retryAllFailed();
    /// Tests answer the confirmation themselves instead of a modal dialog.
    void setConfirm(std::function<bool(const QString &)> confirm) { m_confirm = std::move(confirm); }
    /// The last confirmation asked, as the user saw it.
    QString lastQuestion() const { return m_lastQuestion; }
    /// Opens the job's details (double-click, Enter, or the context menu).
    void showDetails(const QString &jobId);
    /// The last action's outcome as shown to the user.
    QString lastOutcome() const { return m_lastOutcome; }

    /// The local history of this connection (none for the demo workspace, or null): the trend charts
    /// fill the slots the server has no jobs in from it, and the "Recorded" tab draws it.
    void setHistory(HistoryRecorder *history);

    /// Marks these alerts on the throughput chart, at the time each was first seen.
    void setAlertMarkers(const QList<AlertEvent> &events);

    /// The strip over the cards while the data is stale or missing ("Showing data from …"); hidden
    /// while the data is current.
    QLabel *warning() const { return m_warning; }

signals:
    void actionFinished(bool ok);
    /// The user asked to fix the connection (the warning's link, shown for a refused token or an
    /// untrusted certificate).
    void editConnectionRequested();
    /// The user asked to try again now (the warning's link): the session refreshes by itself; a source
    /// with a problem of its own (setSourceProblem()) may want to try too.
    void retryRequested();
    /// Every chart shows the current snapshot (they follow the cards and the table by a few event-loop
    /// turns, one chart a turn).
    void chartsUpdated();

private:
    void onSnapshotUpdated();
    void showMenu(const QPoint &position);
    void updateStatus();
    void updateActions();
    void updateEmptyState();
    void updateWarning();
    void changeEvent(QEvent *event) override;
    void updateNextChart();
    void updateRecorded();
    bool eventFilter(QObject *watched, QEvent *event) override;
    void applyFilters(qint64 page);
    QString pageText(const Pagination &p, bool sorted) const;
    void runNext();
    void finishRun();

    Session *m_session;
    QLabel *m_banner;
    QComboBox *m_range;
    QList<MetricCard *> m_cards;
    QTabWidget *m_chartTabs;
    QueueStatusChart *m_queueChart;
    TrendChart *m_throughput;
    TrendChart *m_costs;
    ErrorBreakdownChart *m_errors;
    ResourceChart *m_resources;
    TrendChart *m_queueDepth;
    TrendChart *m_successRate;
    QWidget *m_recordedPage;
    QPointer<HistoryRecorder> m_history;
    MergedHistorical m_merged; ///< the trend charts' buckets for the snapshot being drawn
    JobTableModel *m_jobs;
    JobFilterProxy *m_proxy;
    QComboBox *m_statusFilter;
    QComboBox *m_typeFilter;
    QLineEdit *m_search;
    QPushButton *m_previous;
    QPushButton *m_next;
    QLabel *m_page;
    QTableView *m_table;
    QLabel *m_selection;
    QLabel *m_warning;
    QLabel *m_empty;
    QLabel *m_status;
    QAction *m_retry;
    QAction *m_cancel;
    QAction *m_pause;
    QAction *m_resume;
    QMenu *m_priorityMenu;
    QAction *m_priority;
    QAction *m_retryAllFailed;
    QList<QPair<QDateTime, QString>> m_alertMarkers;
    int m_chartStep = 0;
    bool m_chartsPending = false;
    bool m_canAct = true;
    QString m_cannotActReason;
    QList<Action> m_unavailable;
    QString m_unavailableReason;
    QString m_sourceProblem;
    bool m_sourceProblemFixable = false;
    std::function<bool(const QString &)> m_confirm;
    QString m_lastQuestion;
    QString m_lastOutcome;
    QDateTime m_lastOutcomeAt;

    /// The action under way: what is left to send and what came back.
    struct Run
    {
        Action action = Action::Retry;
        QList<Job> pending;
        int total = 0;
        int succeeded = 0;
        int retriedBefore = 0; ///< refused because the job already has a retry (docs/api.md §11.1)
        QStringList newJobs;
        QStringList failures;
        bool active = false;
    } m_run;
};

} // namespace batchmon
