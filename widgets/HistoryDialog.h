// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDialog>

#include <functional>

class QLabel;
class QPushButton;
class QSpinBox;

namespace batchmon {

class HistoryRecorder;

/**
 * View ▸ Local history…: where the current server profile's history is, how large it is and how far
 * back it goes; its retention (days) and size cap (MB), saved in the settings for every profile and
 * applied at once; and "Clear history for this profile", after asking.
 */
class HistoryDialog : public QDialog
{
    Q_OBJECT
public:
    HistoryDialog(HistoryRecorder *history, const QString &profileName, QWidget *parent = nullptr);

    QSpinBox *retentionBox() const { return m_retention; }
    QSpinBox *sizeBox() const { return m_size; }
    QPushButton *clearButton() const { return m_clear; }
    /// "1.2 MB, oldest 3 Dec 2026 14:00", or why the history cannot be used.
    QString summaryText() const;
    /// Tests answer the confirmation themselves instead of a modal dialog.
    void setConfirm(std::function<bool(const QString &)> confirm) { m_confirm = std::move(confirm); }

public slots:
    /// Asks, then deletes everything recorded for this profile.
    void clearHistory();
    /// Saves and applies the limits shown (what OK does).
    void apply();

private:
    void updateSummary();

    HistoryRecorder *m_history;
    QString m_profile;
    QLabel *m_summary;
    QSpinBox *m_retention;
    QSpinBox *m_size;
    QPushButton *m_clear;
    std::function<bool(const QString &)> m_confirm;
};

} // namespace batchmon
