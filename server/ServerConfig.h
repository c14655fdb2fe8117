// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "domain/BatchConfig.h"

#include <QProcessEnvironment>
#include <QString>

#include <variant>

namespace batchmon {

/// The server's settings from its environment (the seed's BATCH_* variables and batchmon's own).
struct ServerConfig
{
    BatchConfig batch;           ///< defaults for a store that has no stored configuration yet
    QString databaseUrl;         ///< BATCHMON_DATABASE
    int rateLimitPerMinute = 60; ///< BATCHMON_RATE_LIMIT; 0 turns it off

    /// Reads `env`; an invalid value is an error that names the variable and says what it accepts.
    static std::variant<ServerConfig, QString> fromEnvironment(const QProcessEnvironment &env);
    /// sqlite:<data folder>/server.sqlite
    static QString defaultDatabaseUrl();
};

} // namespace batchmon
