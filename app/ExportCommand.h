// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QStringList>

namespace batchmon {

/// `batchmon export …`: headless, on a QCoreApplication (a QApplication on the offscreen platform for
/// `--format pdf`); returns the exit code (0 ok, 1 failed, 2 usage).
int runExportCommand(int argc, char *argv[]);

} // namespace batchmon
