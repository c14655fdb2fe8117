// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "domain/BatchConfig.h"
#include "domain/BatchConfigValidation.h"
#include "domain/Snapshot.h"

#include <QWidget>

#include <functional>
#include <optional>

class QAbstractSpinBox;
class QCheckBox;
class QDoubleSpinBox;
class QGridLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace batchmon {

class Session;
struct ApiError;

/**
 * The server's batch parameters (GET /config, docs/api.md §13), editable by admins (PUT /config),
 * and the scheduler (§14): its state always in view, paused and resumed with a confirmation.
 *
 * Every edit is checked as it is typed with the rules the server applies (BatchConfigValidation),
 * and a refused field says so under it in the server's own words; Apply stays disabled while
 * anything is refused or nothing changed. In read-only mode (a viewer token) the values stay in view
 * and the panel says why they cannot be changed.
 */
class ConfigPanel : public QWidget
{
    Q_OBJECT
public:
    explicit ConfigPanel(Session *session, QWidget *parent = nullptr);

    /// False for a viewer token: the values stay visible, nothing can be changed, the panel says why.
    void setEditable(bool editable);
    bool isEditable() const { return m_editable; }

    /**
     * An OpenAI account watched directly: batchmon makes and sends no batches there, so the scheduler,
     * batch creation and the batch size and timeout are hidden, and a note says what is left (how often
     * the account is checked, how long its history is kept, the alert thresholds).
     */
    void setAccountMode(bool account);
    bool isAccountMode() const { return m_accountMode; }

    /// GET /config again (the Retry button); unsaved edits give way to the server's values.
    void reload();
    /// PUT /config with the edited values (the Apply button); nothing while they are refused or
    /// unchanged. The answer, the stored configuration, replaces what the editors show.
    void apply();
    /// The server's values back in the editors (the Revert button).
    void revert();
    /// Pauses a running scheduler or resumes a paused one, after the confirmation (its button).
    void toggleScheduler();
    /// Tests answer the confirmation themselves instead of a modal dialog.
    void setConfirm(std::function<bool(const QString &)> confirm) { m_confirm = std::move(confirm); }

    /// The configuration the server last gave (GET or the answer to PUT); nullopt before that.
    const std::optional<BatchConfig> &storedConfig() const { return m_stored; }
    /// What the editors hold; a number still being typed counts as its last complete value.
    BatchConfig editedConfig() const;
    bool hasChanges() const;
    /// No field shows an error.
    bool isValid() const;

    /// The editor of a field: QCheckBox, QLineEdit, QSpinBox or QDoubleSpinBox.
    QWidget *editor(BatchConfigField field) const;
    /// The error shown under a field, "" when none: the contract's message, e.g.
    /// "batchMinSize: must not exceed batchMaxRequests (1000), got 2000".
    QString fieldError(BatchConfigField field) const;
    /// What is shown next to a field: "every 5 minutes", "= 1 hour", "" when nothing.
    QString fieldNote(BatchConfigField field) const;
    QPushButton *applyButton() const { return m_apply; }
    QPushButton *revertButton() const { return m_revert; }
    QPushButton *retryButton() const { return m_retry; }
    QPushButton *schedulerButton() const { return m_schedulerButton; }
    /// The panel's message line: loading, a failure and what to do, or the last outcome.
    QString statusText() const;
    /// The scheduler's state as shown ("Running", "Paused by an admin", …).
    QString schedulerText() const;
    /// The scheduler line as shown ("● Running", with "as of …" when the data is not current).
    QString schedulerLine() const;
    const std::optional<SchedulerState> &schedulerState() const { return m_scheduler; }

    /// "every 5 minutes", "every minute", "hourly at minute 7"; "" for what the server refuses.
    static QString describeInterval(const QString &expression);
    /// "Running", "Paused by an admin", "Processing disabled in the configuration".
    static QString schedulerStateName(const SchedulerState &state);
    /// What the Pause / Resume confirmation asks: what happens, and what does not.
    static QString schedulerConfirmation(bool pause, const SchedulerState &state);
    /// "45 seconds", "1 hour", "1 hour 30 minutes", "30 days".
    static QString readableDuration(qint64 seconds);

signals:
    /// GET /config answered.
    void loaded(bool ok);
    /// PUT /config answered.
    void applied(bool ok);
    /// A pause or resume answered.
    void schedulerActionFinished(bool ok);

private:
    struct Field
    {
        QLabel *label = nullptr;
        QWidget *editor = nullptr;
        QLabel *note = nullptr;
        QLabel *error = nullptr;
    };

    QWidget *buildField(QGridLayout *grid, BatchConfigField field, const QString &label,
                        const QString &meaning);
    void watchTyping(QAbstractSpinBox *box);
    void display(const BatchConfig &config);
    void onEdited();
    void onSnapshotUpdated();
    void updateValidation();
    void updateButtons();
    void updateScheduler();
    void setStatus(const QString &text, bool error);
    QString failureText(const ApiError &error) const;
    QSpinBox *spin(BatchConfigField field) const;
    QString typingError(BatchConfigField field) const;

    Session *m_session;
    QLabel *m_status;
    QPushButton *m_retry;
    QLabel *m_readOnlyNote;
    QLabel *m_accountNote;
    QWidget *m_schedulerBox = nullptr;
    QWidget *m_limitsBox = nullptr;
    bool m_accountMode = false;
    QWidget *m_form;
    QWidget *m_actions = nullptr;
    QLabel *m_schedulerState;
    QLabel *m_schedulerDetail;
    QPushButton *m_schedulerButton;
    QPushButton *m_revert;
    QPushButton *m_apply;
    QList<Field> m_fields; ///< by BatchConfigField
    QCheckBox *m_enabled = nullptr;
    QDoubleSpinBox *m_errorRate = nullptr;
    double m_shownErrorRate = 0; ///< the stored rate as its spin box rounds it

    std::optional<BatchConfig> m_stored;
    std::optional<SchedulerState> m_scheduler;
    QList<QString> m_serverErrors; ///< by field: a 400's message, until the next edit
    std::function<bool(const QString &)> m_confirm;
    bool m_editable = true;
    bool m_showing = false; ///< show() is filling the editors: not an edit
    bool m_loading = false;
    bool m_applying = false;
    bool m_schedulerBusy = false;
};

} // namespace batchmon
