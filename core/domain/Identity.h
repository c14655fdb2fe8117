// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "Tie.h"

#include <QString>
#include <QStringView>

#include <optional>
#include <tuple>

namespace batchmon {

/// What a token may do (docs/api.md §2): a viewer reads, an admin also writes and reads the audit log; a
/// producer only submits requests to the intake and reads them back (§18).
enum class Role
{
    Viewer,
    Admin,
    Producer
};

/// "viewer", "admin" or "producer".
QString toWireString(Role role);
/// The role named `text` ("viewer", "admin", "producer"), or nothing for any other text.
std::optional<Role> roleFromWire(QStringView text);

/// Who presented a valid token: the name is the actor in the audit log and job timelines. Also the
/// `data` of GET /whoami, so a client learns what its token may do.
struct Identity
{
    QString name;
    Role role = Role::Viewer;

    auto tie() const { return std::tie(name, role); }
};

} // namespace batchmon
