// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "domain/Alerts.h"

#include <QWidget>

#include <array>
#include <optional>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSpinBox;
class QTableView;
class QTimer;

namespace batchmon {

class AlertMonitor;
class Session;

/**
 * The alerts page: the four rules of the seed as an editable table (enabled, threshold in the rule's
 * own unit, severity, notification cadence), the notification channels and the quiet period, checked
 * as the user types — Apply only when everything is valid and something changed, Revert to what the
 * source has — and below, the alerts themselves (active, or recent too) with Acknowledge.
 */
class AlertsPage : public QWidget
{
    Q_OBJECT
public:
    AlertsPage(Session *session, AlertMonitor *monitor, QWidget *parent = nullptr);

    /// Viewers see the rules and alerts but cannot change or acknowledge them.
    void setEditable(bool editable, const QString &why = QString());
    bool isEditable() const { return m_editable; }

    /// The configuration as edited, when every field is valid.
    std::optional<AlertConfig> editedConfig() const;
    const std::optional<AlertConfig> &storedConfig() const { return m_stored; }
    bool hasChanges() const;

    /// Why `text` is not a threshold for `rule` (in the rule's unit as shown), or nullopt; `value`
    /// receives the threshold in the contract's unit (ms for the processing time).
    static std::optional<QString> thresholdError(AlertRuleId rule, const QString &text, double *value);
    /// The threshold in the unit the page shows it in ("60" minutes for 3,600,000 ms).
    static QString thresholdText(AlertRuleId rule, double threshold);
    /// "%", "minutes", …
    static QString unitName(AlertRuleId rule);

    QLineEdit *thresholdEdit(AlertRuleId rule) const { return m_rows[int(rule)].threshold; }
    QCheckBox *enabledBox(AlertRuleId rule) const { return m_rows[int(rule)].enabled; }
    QComboBox *severityBox(AlertRuleId rule) const { return m_rows[int(rule)].severity; }
    QComboBox *cadenceBox(AlertRuleId rule) const { return m_rows[int(rule)].cadence; }
    QString fieldError(AlertRuleId rule) const;
    QCheckBox *channelBox(NotificationChannel channel) const { return m_channels[int(channel)]; }
    QLineEdit *webhookEdit() const { return m_webhook; }
    QString webhookError() const;
    QSpinBox *quietMinutes() const { return m_quiet; }
    QPushButton *applyButton() const { return m_apply; }
    QPushButton *revertButton() const { return m_revert; }
    QPushButton *acknowledgeButton() const { return m_ack; }
    QTableView *alertsTable() const { return m_table; }
    QCheckBox *showResolvedBox() const { return m_showResolved; }
    QString statusText() const;
    /// What would fire now under the edited rules (the source evaluates them without recording), one
    /// line each, or why there is nothing to show.
    QString previewText() const;
    /// The preview's lines: a list that scrolls, however many conditions would fire.
    QListWidget *previewList() const { return m_previewList; }

public slots:
    void reload();
    void apply();
    void revert();
    void acknowledgeSelected();

signals:
    void loaded(bool ok);
    void previewed(bool ok);
    void applied(bool ok);

private:
    void display(const AlertConfig &config);
    void validate();
    void updateButtons();
    void setStatus(const QString &text, bool error);
    void askPreview();
    void showPreview(const QString &status, const QStringList &lines = {});

    struct Row
    {
        QCheckBox *enabled = nullptr;
        QLineEdit *threshold = nullptr;
        QComboBox *severity = nullptr;
        QComboBox *cadence = nullptr;
        QLabel *error = nullptr;
    };

    Session *m_session;
    AlertMonitor *m_monitor;
    std::array<Row, 4> m_rows;
    std::array<QCheckBox *, 3> m_channels{};
    QLineEdit *m_webhook;
    QLabel *m_webhookError;
    QSpinBox *m_quiet;
    QPushButton *m_apply;
    QPushButton *m_revert;
    QLabel *m_status;
    QLabel *m_readOnly;
    QTableView *m_table;
    QCheckBox *m_showResolved;
    QPushButton *m_ack;
    QLabel *m_listStatus;
    QLabel *m_previewStatus; ///< why there is no list ("Nothing would fire now.", an error)
    QListWidget *m_previewList;
    QTimer *m_previewTimer;
    quint64 m_previewGeneration = 0;
    std::optional<AlertConfig> m_stored;
    bool m_editable = true;
    bool m_showing = false; ///< display() is filling the editors: not an edit
    bool m_busy = false;
};

} // namespace batchmon
