// SPDX-License-Identifier: GPL-3.0-or-later
// batchmon-bench: every benchmark of the project in one executable (--benchmark_filter picks some).
#include <QCoreApplication>

#include <benchmark/benchmark.h>

int main(int argc, char **argv)
{
    // The SQL drivers are plugins: they need an application object to be found.
    QCoreApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
