// SPDX-License-Identifier: GPL-3.0-or-later
#include "HistoryDialog.h"

#include "HistoryRecorder.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace batchmon {

HistoryDialog::HistoryDialog(HistoryRecorder *history, const QString &profileName, QWidget *parent)
    : QDialog(parent), m_history(history), m_profile(profileName), m_summary(new QLabel(this)),
      m_retention(new QSpinBox(this)), m_size(new QSpinBox(this)),
      m_clear(new QPushButton(tr("C&lear history for this profile…"), this))
{
    setWindowTitle(tr("Local history"));
    // Wrapped labels give no width of their own: without a floor the dialog folds into a narrow column.
    setMinimumWidth(fontMetrics().averageCharWidth() * 64);
    auto *intro = new QLabel(tr("batchmon records what it receives from “%1” — the summary, queues, "
                                "performance and trend buckets — so the charts can show what the server "
                                "no longer keeps and survive restarts.")
                                 .arg(profileName),
                             this);
    intro->setWordWrap(true);
    auto *where = new QLabel(history->path(), this);
    where->setTextInteractionFlags(Qt::TextSelectableByMouse);
    where->setWordWrap(true);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);

    const HistoryLimits limits = history->limits();
    m_retention->setRange(1, 3650);
    m_retention->setSuffix(tr(" days"));
    m_retention->setValue(limits.retentionDays);
    m_size->setRange(1, 10240);
    m_size->setSuffix(tr(" MB"));
    m_size->setValue(int(limits.maxBytes >> 20));
    m_clear->setAutoDefault(false);

    auto *form = new QFormLayout;
    form->addRow(tr("File:"), where);
    form->addRow(tr("Now:"), m_summary);
    form->addRow(tr("&Keep for:"), m_retention);
    form->addRow(tr("&Size at most:"), m_size);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(m_clear, 0, Qt::AlignLeft);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        apply();
        accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_clear, &QPushButton::clicked, this, &HistoryDialog::clearHistory);
    updateSummary();
}

QString HistoryDialog::summaryText() const
{
    return m_summary->text();
}

void HistoryDialog::updateSummary()
{
    const QLocale l;
    const QString size = l.formattedDataSize(m_history->fileSize());
    if (!m_history->isAvailable()) {
        m_summary->setText(tr("%1 — unavailable: %2. The charts show the server's data only; clearing "
                              "starts a new file.")
                               .arg(size, m_history->problem()));
        return;
    }
    const auto oldest = m_history->oldest();
    m_summary->setText(
        oldest
            ? tr("%1, reaching back to %2").arg(size, l.toString(oldest->toLocalTime(), QLocale::ShortFormat))
            : tr("%1, nothing recorded yet").arg(size));
}

void HistoryDialog::apply()
{
    HistoryLimits limits;
    limits.retentionDays = m_retention->value();
    limits.maxBytes = qint64(m_size->value()) << 20;
    HistoryRecorder::saveLimitsToSettings(limits);
    m_history->setLimits(limits);
    updateSummary();
}

void HistoryDialog::clearHistory()
{
    const QString question =
        tr("Delete everything recorded for “%1”? The charts then show only what the server still has.")
            .arg(m_profile);
    const bool yes = m_confirm ? m_confirm(question)
                               : QMessageBox::question(this, tr("Clear local history"), question,
                                                       QMessageBox::Yes | QMessageBox::No,
                                                       QMessageBox::No) == QMessageBox::Yes;
    if (!yes)
        return;
    if (const QString error = m_history->clear(); !error.isEmpty())
        QMessageBox::warning(this, tr("Clear local history"), error);
    updateSummary();
}

} // namespace batchmon
