// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "domain/Job.h"

#include <QDialog>

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
    JobDetailsDialog(DataSource *source, const QString &jobId, QWidget *parent = nullptr);

    QString summaryText() const;
    QTableWidget *errors() const { return m_errors; }
    QTableWidget *timeline() const { return m_timeline; }

signals:
    /// The job arrived (or `ok` false: the message says why not).
    void loaded(bool ok);

private:
    void display(const Job &job);

    QLabel *m_summary;
    QTableWidget *m_errors;
    QTableWidget *m_timeline;
};

} // namespace batchmon
