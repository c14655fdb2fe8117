// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDialog>

class QLabel;
class QListWidget;
class QPushButton;

namespace batchmon {

class ProfileStore;

/**
 * The server profiles as a list: Add… and Edit… open the ConnectDialog, Remove asks first and then
 * forgets the profile and its token. The list follows the store.
 */
class ProfilesDialog : public QDialog
{
    Q_OBJECT

public:
    explicit ProfilesDialog(ProfileStore *profiles, QWidget *parent = nullptr);

    QListWidget *list() const { return m_list; }
    /// The name of the selected profile; empty when none is selected.
    QString selectedName() const;
    /// What the last removal said when it failed; empty otherwise.
    QString statusText() const;

public slots:
    /// Opens the ConnectDialog for a new profile.
    void addProfile();
    /// Opens the ConnectDialog for the selected profile.
    void editProfile();
    /// Asks, then removes the selected profile and its token.
    void removeProfile();

private:
    void reload();
    void updateButtons();

    ProfileStore *m_profiles;
    QListWidget *m_list;
    QLabel *m_empty;
    QLabel *m_status;
    QPushButton *m_add;
    QPushButton *m_edit;
    QPushButton *m_remove;
};

} // namespace batchmon
