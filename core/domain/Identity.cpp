// SPDX-License-Identifier: GPL-3.0-or-later
#include "Identity.h"

namespace batchmon {

QString toWireString(Role role)
{
    switch (role) {
    case Role::Viewer:
        return QStringLiteral("viewer");
    case Role::Admin:
        return QStringLiteral("admin");
    case Role::Producer:
        return QStringLiteral("producer");
    }
    return QStringLiteral("viewer");
}

std::optional<Role> roleFromWire(QStringView text)
{
    if (text == QLatin1String("viewer"))
        return Role::Viewer;
    if (text == QLatin1String("admin"))
        return Role::Admin;
    if (text == QLatin1String("producer"))
        return Role::Producer;
    return std::nullopt;
}

} // namespace batchmon
