// SPDX-License-Identifier: GPL-3.0-or-later
#include "ProfilesDialog.h"

#include "ConnectDialog.h"
#include "ProfileStore.h"

#include <QDialogButtonBox>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QKeySequence>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QShortcut>
#include <QVBoxLayout>

namespace batchmon {

namespace {

constexpr int kNameRole = Qt::UserRole;

} // namespace

ProfilesDialog::ProfilesDialog(ProfileStore *profiles, QWidget *parent)
    : QDialog(parent), m_profiles(profiles), m_list(new QListWidget(this)),
      m_empty(new QLabel(tr("No connection profiles yet: batchmon shows the demo workspace. Choose Add… to "
                            "connect to a batchmon-server or an OpenAI account."),
                         this)),
      m_status(new QLabel(this)), m_add(new QPushButton(tr("&Add…"), this)),
      m_edit(new QPushButton(tr("&Edit…"), this)), m_remove(new QPushButton(tr("&Remove"), this))
{
    setWindowTitle(tr("Server profiles"));
    m_empty->setWordWrap(true);
    m_empty->setObjectName(QStringLiteral("empty"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->hide();
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    auto *listLabel = new QLabel(tr("&Profiles:"), this);
    listLabel->setBuddy(m_list);
    for (QPushButton *b : {m_add, m_edit, m_remove})
        b->setAutoDefault(false);

    auto *buttons = new QVBoxLayout;
    buttons->addWidget(m_add);
    buttons->addWidget(m_edit);
    buttons->addWidget(m_remove);
    buttons->addStretch(1);
    auto *row = new QHBoxLayout;
    row->addWidget(m_list, 1);
    row->addLayout(buttons);
    auto *close = new QDialogButtonBox(QDialogButtonBox::Close, this);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(listLabel);
    layout->addLayout(row, 1);
    layout->addWidget(m_empty);
    layout->addWidget(m_status);
    layout->addWidget(close);

    connect(close, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_add, &QPushButton::clicked, this, &ProfilesDialog::addProfile);
    connect(m_edit, &QPushButton::clicked, this, &ProfilesDialog::editProfile);
    connect(m_remove, &QPushButton::clicked, this, &ProfilesDialog::removeProfile);
    connect(m_list, &QListWidget::itemActivated, this, &ProfilesDialog::editProfile);
    connect(m_list, &QListWidget::itemSelectionChanged, this, &ProfilesDialog::updateButtons);
    auto *del = new QShortcut(QKeySequence::Delete, m_list);
    del->setContext(Qt::WidgetShortcut);
    connect(del, &QShortcut::activated, this, &ProfilesDialog::removeProfile);
    connect(m_profiles, &ProfileStore::profilesChanged, this, &ProfilesDialog::reload);
    reload();
    resize(520, 320);
}

QString ProfilesDialog::selectedName() const
{
    const QList<QListWidgetItem *> selected = m_list->selectedItems();
    return selected.isEmpty() ? QString() : selected.first()->data(kNameRole).toString();
}

QString ProfilesDialog::statusText() const
{
    return m_status->text();
}

void ProfilesDialog::reload()
{
    const QString selected = selectedName();
    m_list->clear();
    for (const ServerProfile &p : m_profiles->profiles()) {
        auto *item = new QListWidgetItem(
            p.isOpenAi() ? tr("%1 — OpenAI account, %2").arg(p.name, p.serverUrl.toDisplayString())
                         : tr("%1 — %2").arg(p.name, p.serverUrl.toDisplayString()),
            m_list);
        item->setData(kNameRole, p.name);
        if (p.name == selected)
            item->setSelected(true);
    }
    if (m_list->selectedItems().isEmpty() && m_list->count() > 0)
        m_list->item(0)->setSelected(true);
    m_empty->setVisible(m_list->count() == 0);
    updateButtons();
}

void ProfilesDialog::updateButtons()
{
    const bool selected = !selectedName().isEmpty();
    m_edit->setEnabled(selected);
    m_remove->setEnabled(selected);
}

void ProfilesDialog::addProfile()
{
    auto *dialog = new ConnectDialog(m_profiles, QString(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void ProfilesDialog::editProfile()
{
    const QString name = selectedName();
    if (name.isEmpty())
        return;
    auto *dialog = new ConnectDialog(m_profiles, name, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void ProfilesDialog::removeProfile()
{
    const QString name = selectedName();
    if (name.isEmpty())
        return;
    const std::optional<ServerProfile> profile = m_profiles->profile(name);
    const QString question =
        profile && profile->isOpenAi()
            ? tr("Remove the profile “%1”? Its API key is deleted from this computer's keychain; the OpenAI "
                 "account and its batches are not affected.")
            : tr("Remove the profile “%1”? Its token is deleted from this computer's keychain; "
                 "the server and its data are not affected.");
    auto *ask = new QMessageBox(QMessageBox::Question, tr("Remove server profile"), question.arg(name),
                                QMessageBox::NoButton, this);
    QPushButton *remove = ask->addButton(tr("&Remove"), QMessageBox::DestructiveRole);
    ask->addButton(QMessageBox::Cancel);
    ask->setDefaultButton(QMessageBox::Cancel);
    ask->setAttribute(Qt::WA_DeleteOnClose);
    connect(ask, &QMessageBox::finished, this, [this, ask, remove, name] {
        if (ask->clickedButton() != remove)
            return;
        m_status->hide();
        auto *watcher = new QFutureWatcher<ProfileResult>(this);
        connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
            watcher->deleteLater();
            if (watcher->future().resultCount() == 0)
                return;
            const ProfileResult result = watcher->future().result();
            m_status->setText(result.ok ? QString() : result.message);
            m_status->setVisible(!result.ok);
        });
        watcher->setFuture(m_profiles->remove(name));
    });
    ask->open();
}

} // namespace batchmon
