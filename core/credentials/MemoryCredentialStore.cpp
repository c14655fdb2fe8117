// SPDX-License-Identifier: GPL-3.0-or-later
#include "credentials/MemoryCredentialStore.h"

namespace batchmon {

MemoryCredentialStore::MemoryCredentialStore(QObject *parent)
    : CredentialStore(parent),
      m_note(tr("Tokens and API keys are kept for this session only and must be entered again after "
                "restart."))
{}

MemoryCredentialStore::~MemoryCredentialStore() = default;

QFuture<CredentialResult> MemoryCredentialStore::readSecret(const QString &key)
{
    const auto it = m_secrets.constFind(key);
    if (it == m_secrets.constEnd())
        return finishedFuture(CredentialResult::failure(CredentialResult::Error::NotFound, m_persistent));
    return finishedFuture(CredentialResult::found(*it, m_persistent, persistenceNote()));
}

QFuture<CredentialResult> MemoryCredentialStore::writeSecret(const QString &key, const QString &secret)
{
    m_secrets.insert(key, secret);
    return finishedFuture(CredentialResult::success(m_persistent, persistenceNote()));
}

QFuture<CredentialResult> MemoryCredentialStore::removeSecret(const QString &key)
{
    m_secrets.remove(key);
    return finishedFuture(CredentialResult::success(m_persistent, persistenceNote()));
}

bool MemoryCredentialStore::isPersistent() const
{
    return m_persistent;
}

QString MemoryCredentialStore::persistenceNote() const
{
    return m_persistent ? QString() : m_note;
}

void MemoryCredentialStore::setPersistent(bool persistent)
{
    if (m_persistent == persistent)
        return;
    m_persistent = persistent;
    emit persistenceChanged(m_persistent);
}

void MemoryCredentialStore::setPersistenceNote(const QString &note)
{
    m_note = note;
}

} // namespace batchmon
