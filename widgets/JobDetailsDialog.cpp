// SPDX-License-Identifier: GPL-3.0-or-later
#include "JobDetailsDialog.h"

#include "Format.h"
#include "JobTableModel.h"
#include "ModelsInfo.h"
#include "source/DataSource.h"

#include <QDialogButtonBox>
#include <QFutureWatcher>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

namespace batchmon {

namespace {

QTableWidget *table(const QStringList &headers, QWidget *parent)
{
    auto *t = new QTableWidget(0, int(headers.size()), parent);
    t->setHorizontalHeaderLabels(headers);
    t->verticalHeader()->hide();
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->horizontalHeader()->setStretchLastSection(true);
    return t;
}

QTableWidgetItem *cell(const QString &text, bool number = false)
{
    auto *item = new QTableWidgetItem(text);
    if (number)
        item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

} // namespace

JobDetailsDialog::JobDetailsDialog(DataSource *source, const QString &jobId, QWidget *parent,
                                   int refreshIntervalMs)
    : QDialog(parent), m_source(source), m_jobId(jobId),
      m_summary(new QLabel(tr("Loading %1…").arg(jobId), this)),
      m_errors(table({tr("Error"), tr("Requests"), tr("Share")}, this)),
      m_timeline(table({tr("When"), tr("Status"), tr("By"), tr("Note")}, this))
{
    setWindowTitle(tr("Job %1").arg(jobId));
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summary->setWordWrap(true);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(new QLabel(tr("<b>Errors</b>"), this));
    layout->addWidget(m_errors);
    layout->addWidget(new QLabel(tr("<b>Timeline</b>"), this));
    layout->addWidget(m_timeline);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    resize(640, 520);

    auto *timer = new QTimer(this);
    connect(timer, &QTimer::timeout, this, &JobDetailsDialog::reload);
    timer->start(refreshIntervalMs);
    reload();
}

void JobDetailsDialog::reload()
{
    if (!m_source || m_inFlight)
        return;
    m_inFlight = true;
    auto *watcher = new QFutureWatcher<ApiResult<Job>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
        watcher->deleteLater();
        m_inFlight = false;
        const ApiResult<Job> r = watcher->future().result();
        if (r.ok()) {
            display(r.value());
            m_shown = true;
        } else if (m_shown) {
            // Keep what is shown; say that it is not current.
            m_summary->setText(m_summary->text().section(QStringLiteral("<br><i>"), 0, 0) +
                               QStringLiteral("<br><i>") +
                               tr("Could not refresh: %1").arg(r.error().userMessage().toHtmlEscaped()) +
                               QStringLiteral("</i>"));
        } else {
            m_summary->setText(r.error().userMessage());
        }
        emit loaded(r.ok());
    });
    watcher->setFuture(m_source->fetchJob(m_jobId));
}

void JobDetailsDialog::display(const Job &j)
{
    const QLocale locale;
    auto time = [&locale](const std::optional<QDateTime> &t) {
        return t ? locale.toString(t->toLocalTime(), QLocale::ShortFormat) : tr("—");
    };
    QStringList lines;
    lines << tr("<b>%1</b> · %2 · %3 · model %4 · priority %5")
                 .arg(j.id.toHtmlEscaped(), statusDisplayName(j.status), j.jobType.toHtmlEscaped(),
                      j.model.value_or(tr("unknown")).toHtmlEscaped(), toWireString(j.priority));
    lines << tr("Batch %1").arg(j.batchId.value_or(tr("not submitted yet")).toHtmlEscaped());
    lines << tr("%1 requests: %2 completed, %3 failed")
                 .arg(locale.toString(j.requestCount), locale.toString(j.completedCount),
                      locale.toString(j.failedCount));
    lines << tr("Cost %1 · %2 input and %3 output tokens")
                 .arg(formatDollars(j.costEstimate, locale).toHtmlEscaped(), locale.toString(j.inputTokens),
                      locale.toString(j.outputTokens));
    lines << tr("Created %1 · started %2 · finished %3%4")
                 .arg(time(j.createdAt), time(j.startedAt), time(j.completedAt),
                      j.processingTimeMs
                          ? tr(" · took %1").arg(JobTableModel::formatDuration(*j.processingTimeMs))
                          : QString());
    if (j.retryOf)
        lines << tr("Attempt %1, a retry of %2").arg(j.attempt).arg(j.retryOf->toHtmlEscaped());
    m_summary->setText(lines.join(QStringLiteral("<br>")));

    const QList<ErrorSummaryEntry> errors = j.errorSummary.value_or(QList<ErrorSummaryEntry>());
    m_errors->setRowCount(int(errors.size()));
    // An empty table says why it is empty.
    m_errors->setToolTip(errors.isEmpty() ? tr("No failed requests in this job.") : QString());
    if (!j.errorSummary && j.failedCount > 0) {
        // An export (docs/api.md §17) carries no error breakdown: say so rather than "none".
        m_errors->setRowCount(1);
        m_errors->setItem(0, 0, cell(tr("Not known here: exports do not include the breakdown by error")));
        m_errors->setItem(0, 1, cell(locale.toString(j.failedCount), true));
        m_errors->setItem(0, 2, cell(QString()));
        m_errors->setToolTip(tr("Open the job on its server to see its errors by code."));
    } else if (errors.isEmpty()) {
        m_errors->setRowCount(1);
        m_errors->setItem(0, 0, cell(tr("No failed requests")));
        m_errors->setItem(0, 1, cell(QStringLiteral("0"), true));
        m_errors->setItem(0, 2, cell(QString()));
    }
    for (int i = 0; i < errors.size(); ++i) {
        m_errors->setItem(i, 0, cell(errors[i].error));
        m_errors->setItem(i, 1, cell(locale.toString(errors[i].count), true));
        m_errors->setItem(i, 2,
                          cell(locale.toString(errors[i].percentage, 'f', 1) + QStringLiteral(" %"), true));
    }
    const QList<TimelineEntry> timeline = j.timeline.value_or(QList<TimelineEntry>());
    m_timeline->setRowCount(int(timeline.size()));
    if (!j.timeline) {
        m_timeline->setRowCount(1);
        m_timeline->setItem(0, 0, cell(tr("Not known here: exports do not include the timeline")));
        for (int c = 1; c < 4; ++c)
            m_timeline->setItem(0, c, cell(QString()));
    }
    for (int i = 0; i < timeline.size(); ++i) {
        m_timeline->setItem(i, 0, cell(locale.toString(timeline[i].at.toLocalTime(), QLocale::ShortFormat)));
        m_timeline->setItem(i, 1, cell(statusDisplayName(timeline[i].status)));
        m_timeline->setItem(i, 2, cell(timeline[i].actor));
        m_timeline->setItem(i, 3, cell(timeline[i].note.value_or(QString())));
    }
    m_errors->resizeColumnsToContents();
    m_timeline->resizeColumnsToContents();
}

QString JobDetailsDialog::summaryText() const
{
    return m_summary->text();
}

} // namespace batchmon
