#pragma once
// The saved connection profiles: list, create, edit, delete, and connect. Connecting fills in the
// passwords (keychain, else a prompt) and emits profileActivated(); the console restarts its
// engine session with plan_for_profile(profile) and remembers it as the last used profile.
#include <QDialog>
#include <memory>

#include "ui/session/connection_profile.h"
#include "ui/profiles/connection_profile_secrets.h"

class QLabel;
class QListView;
class QPushButton;
class QStringListModel;

namespace spillway {

class ConnectionProfileDialog;

class ConnectionProfileManager : public QDialog {
    Q_OBJECT
public:
    // settings: null for the application's QSettings. secrets: null for the system keychain.
    explicit ConnectionProfileManager(QSettings* settings = nullptr,
                                      std::unique_ptr<SecretStore> secrets = nullptr,
                                      QWidget* parent = nullptr);
    ~ConnectionProfileManager() override;

    // How passwords not in the keychain are asked for (tests give their own).
    void setPasswordPrompt(PasswordPrompt prompt) { prompt_ = std::move(prompt); }
    ConnectionProfileStore& store() { return store_; }
    SecretStore& secrets() { return *secrets_; }
    QStringListModel* names() const { return names_; }

    void reload();
    void select(const QString& name);
    QString selectedName() const;
    // Opens the editor for a new profile (empty name) or an existing one; null when unknown.
    ConnectionProfileDialog* openEditor(const QString& name = {});
    void removeProfile(const QString& name);
    // Resolves the passwords and emits profileActivated (then closes), or says why not.
    void activate(const QString& name);

    QLabel* statusLabel() const { return status_; }

signals:
    void profileActivated(const spillway::ConnectionProfile& profile);

private:
    void update_details();
    void set_status(const QString& text, bool ok);

    ConnectionProfileStore store_;
    std::unique_ptr<SecretStore> secrets_;
    PasswordPrompt prompt_;
    QStringListModel* names_;
    QListView* list_;
    QLabel* details_;
    QLabel* status_;
    QPushButton* connect_button_;
    QPushButton* edit_button_;
    QPushButton* delete_button_;
};

}  // namespace spillway
