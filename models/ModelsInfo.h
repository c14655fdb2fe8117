// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "domain/JobStatus.h"

#include <QString>

namespace batchmon {

/// The name of a job status as the app shows it ("In progress"), translated.
QString statusDisplayName(JobStatus status);

} // namespace batchmon
