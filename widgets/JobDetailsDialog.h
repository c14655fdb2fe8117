// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "domain/Job.h"

#include <QDialog>
#include <QPointer>

class QLabel;
class QTableWidget;

namespace batchmon {

class DataSource;

/// One job in full (GET /{id}): counts, cost, times, retry lineage, the error summary with
/// percentages and the timeline of state transitions.
class JobDetailsDialog : public QDialog
{
    Q_OBJECT
public:
    /// Loads the job now and again every `refreshIntervalMs` while open (the seed's 60 s for detail views).
    JobDetailsDialog(DataSource *source, const QString &jobId, QWidget *parent = nullptr,
                     int refreshIntervalMs = 60000);
    /// Asks for the job again (the timer does, every minute).
    void reload();

    QString summaryText() const;
    QTableWidget *errors() const { return m_errors; }
    QTableWidget *timeline() const { return m_timeline; }

signals:
    /// The job arrived (or `ok` false: the message says why not).
    void loaded(bool ok);

private:
    void display(const Job &job);

    QPointer<DataSource> m_source;
    QString m_jobId;
    bool m_shown = false;
    bool m_inFlight = false;
    QLabel *m_summary;
    QTableWidget *m_errors;
    QTableWidget *m_timeline;
};

} // namespace batchmon
