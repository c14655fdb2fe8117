// SPDX-License-Identifier: GPL-3.0-or-later
#include "credentials/CredentialStore.h"

#include <QPromise>

namespace batchmon {

CredentialStore::CredentialStore(QObject *parent) : QObject(parent) {}

CredentialStore::~CredentialStore() = default;

QFuture<CredentialResult> CredentialStore::finishedFuture(const CredentialResult &result)
{
    // QPromise rather than QtFuture::makeReadyFuture, which later Qt versions deprecate.
    QPromise<CredentialResult> promise;
    promise.start();
    promise.addResult(result);
    promise.finish();
    return promise.future();
}

} // namespace batchmon
