// SPDX-License-Identifier: GPL-3.0-or-later
#include "ModelsInfo.h"

#include <QCoreApplication>

namespace batchmon {

QString statusDisplayName(JobStatus status)
{
    switch (status) {
    case JobStatus::Pending:
        return QCoreApplication::translate("JobStatus", "Pending");
    case JobStatus::Paused:
        return QCoreApplication::translate("JobStatus", "Paused");
    case JobStatus::Validating:
        return QCoreApplication::translate("JobStatus", "Validating");
    case JobStatus::InProgress:
        return QCoreApplication::translate("JobStatus", "In progress");
    case JobStatus::Finalizing:
        return QCoreApplication::translate("JobStatus", "Finalizing");
    case JobStatus::Completed:
        return QCoreApplication::translate("JobStatus", "Completed");
    case JobStatus::Failed:
        return QCoreApplication::translate("JobStatus", "Failed");
    case JobStatus::Expired:
        return QCoreApplication::translate("JobStatus", "Expired");
    case JobStatus::Cancelling:
        return QCoreApplication::translate("JobStatus", "Cancelling");
    case JobStatus::Cancelled:
        return QCoreApplication::translate("JobStatus", "Cancelled");
    }
    Q_UNREACHABLE();
    return {};
}

} // namespace batchmon
