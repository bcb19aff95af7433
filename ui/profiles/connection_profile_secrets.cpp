#include "ui/profiles/connection_profile_secrets.h"

#include <QInputDialog>
#include <QLineEdit>
#include <QPointer>

#ifdef SPILLWAY_HAVE_QTKEYCHAIN
#include <qt6keychain/keychain.h>
#endif

#include "ui/session/console_logging.h"

namespace spillway {

namespace {

const QString kService = QStringLiteral("Spillway");

#ifdef SPILLWAY_HAVE_QTKEYCHAIN
class KeychainSecretStore : public SecretStore {
public:
    using SecretStore::SecretStore;

    void read(const QString& key, ReadDone done) override {
        auto* job = new QKeychain::ReadPasswordJob(kService, this);
        job->setAutoDelete(true);
        job->setKey(key);
        connect(job, &QKeychain::Job::finished, this, [job, done = std::move(done)] {
            if (job->error() == QKeychain::NoError)
                done(job->textData(), QString());
            else
                done(std::nullopt, job->errorString());
        });
        job->start();
    }

    void write(const QString& key, const QString& secret, WriteDone done) override {
        auto* job = new QKeychain::WritePasswordJob(kService, this);
        job->setAutoDelete(true);
        job->setKey(key);
        job->setTextData(secret);
        // Never qtkeychain's "insecure fallback": it would put the password in a settings file.
        job->setInsecureFallback(false);
        connect(job, &QKeychain::Job::finished, this, [job, done = std::move(done)] {
            done(job->error() == QKeychain::NoError, job->errorString());
        });
        job->start();
    }

    void remove(const QString& key) override {
        auto* job = new QKeychain::DeletePasswordJob(kService, this);
        job->setAutoDelete(true);
        job->setKey(key);
        job->start();
    }
};
#endif

}  // namespace

void NoSecretStore::read(const QString&, ReadDone done) {
    done(std::nullopt, tr("no keychain"));
}

void NoSecretStore::write(const QString&, const QString&, WriteDone done) {
    done(false, tr("no keychain"));
}

void NoSecretStore::remove(const QString&) {}

bool built_with_keychain() {
#ifdef SPILLWAY_HAVE_QTKEYCHAIN
    return true;
#else
    return false;
#endif
}

std::unique_ptr<SecretStore> make_system_secret_store(QObject* parent) {
#ifdef SPILLWAY_HAVE_QTKEYCHAIN
    return std::make_unique<KeychainSecretStore>(parent);
#else
    return std::make_unique<NoSecretStore>(parent);
#endif
}

QString secret_key(const QString& profile_name, const char* which) {
    return profile_name + u'/' + QLatin1String(which);
}

void save_profile(ConnectionProfileStore& store, SecretStore& secrets, ConnectionProfile profile,
                  const std::function<void(const ConnectionProfile&, const QString&)>& done) {
    const std::optional<ConnectionProfile> before = store.load(profile.name);
    // An empty password field on an existing profile means "unchanged".
    const bool new_kafka = !profile.kafka_password.isEmpty();
    const bool new_key = profile.uses_tls() && !profile.kafka_ssl_key_password.isEmpty();
    const bool new_pg = !profile.pg_password.isEmpty();
    const bool new_token = profile.is_remote() && !profile.api_token.isEmpty();
    profile.kafka_has_password =
        new_kafka || (before && before->kafka_has_password && profile.uses_sasl());
    profile.kafka_has_key_password =
        new_key || (before && before->kafka_has_key_password && profile.uses_tls() &&
                    !profile.kafka_ssl_key_location.isEmpty());
    profile.pg_has_password = new_pg || (before && before->pg_has_password);
    profile.api_has_token = new_token || (before && before->api_has_token && profile.is_remote());
    const bool any_new = new_kafka || new_key || new_pg || new_token;
    if (before && !any_new)
        profile.secret_storage = before->secret_storage;
    if (!any_new) {
        store.save(profile);
        done(profile, QString());
        return;
    }
    // Write the new passwords one after the other; the first failure switches to ask-each-time.
    struct Pending {
        ConnectionProfile profile;
        std::vector<std::pair<QString, QString>> writes;  // key, secret
        size_t next = 0;
    };
    auto pending = std::make_shared<Pending>();
    pending->profile = profile;
    if (new_kafka)
        pending->writes.emplace_back(secret_key(profile.name, "kafka"), profile.kafka_password);
    if (new_key)
        pending->writes.emplace_back(secret_key(profile.name, "kafka_ssl_key"),
                                     profile.kafka_ssl_key_password);
    if (new_pg)
        pending->writes.emplace_back(secret_key(profile.name, "postgres"), profile.pg_password);
    if (new_token)
        pending->writes.emplace_back(secret_key(profile.name, "api_token"), profile.api_token);
    auto step = std::make_shared<std::function<void()>>();
    QPointer<SecretStore> guard(&secrets);
    *step = [&store, guard, pending, step, done] {
        if (!guard)
            return;
        if (pending->next == pending->writes.size()) {
            pending->profile.secret_storage = SecretStorage::Keychain;
            store.save(pending->profile);
            done(pending->profile, QString());
            *step = nullptr;  // ends the self-reference
            return;
        }
        const auto& [key, secret] = pending->writes[pending->next++];
        guard->write(
            key, secret, [&store, pending, step, done](bool stored, const QString& problem) {
                if (stored) {
                    (*step)();
                    return;
                }
                qCInfo(lcConsole) << "keychain unavailable, profile will ask for passwords:"
                                  << problem;
                pending->profile.secret_storage = SecretStorage::AskEachTime;
                store.save(pending->profile);
                done(pending->profile,
                     QObject::tr(
                         "The system keychain is not available (%1): Spillway will ask for the "
                         "password each time you connect with this profile.")
                         .arg(problem));
                *step = nullptr;
            });
    };
    (*step)();
}

PasswordPrompt dialog_password_prompt(QWidget* parent) {
    QPointer<QWidget> guard(parent);
    return [guard](const QString& what) -> std::optional<QString> {
        bool ok = false;
        const QString password = QInputDialog::getText(guard, QObject::tr("Password"), what,
                                                       QLineEdit::Password, QString(), &ok);
        if (!ok)
            return std::nullopt;
        return password;
    };
}

void resolve_secrets(
    SecretStore& secrets, ConnectionProfile profile, const PasswordPrompt& prompt,
    const std::function<void(std::optional<ConnectionProfile>, const QString&)>& done) {
    struct Need {
        QString* field;
        QString key;
        QString what;
    };
    auto state = std::make_shared<ConnectionProfile>(std::move(profile));
    std::vector<Need> needs;
    if (!state->is_remote() && state->kafka_has_password && state->uses_sasl() &&
        state->kafka_password.isEmpty())
        needs.push_back({&state->kafka_password, secret_key(state->name, "kafka"),
                         QObject::tr("Kafka (SASL) password for %1 at %2")
                             .arg(state->sasl_username, state->bootstrap_servers)});
    if (!state->is_remote() && state->kafka_has_key_password && state->uses_tls() &&
        state->kafka_ssl_key_password.isEmpty())
        needs.push_back({&state->kafka_ssl_key_password, secret_key(state->name, "kafka_ssl_key"),
                         QObject::tr("Password of the Kafka client key %1")
                             .arg(state->kafka_ssl_key_location)});
    if (state->is_remote() && state->api_has_token && state->api_token.isEmpty())
        needs.push_back(
            {&state->api_token, secret_key(state->name, "api_token"),
             QObject::tr("API token of the remote engine at %1").arg(state->engine_url)});
    if (!state->is_remote() && state->pg_has_password && state->pg_password.isEmpty())
        needs.push_back({&state->pg_password, secret_key(state->name, "postgres"),
                         QObject::tr("PostgreSQL password for %1 at %2")
                             .arg(state->pg_user, state->postgres_address())});
    auto remaining = std::make_shared<std::vector<Need>>(std::move(needs));
    auto step = std::make_shared<std::function<void()>>();
    QPointer<SecretStore> guard(&secrets);
    *step = [guard, state, remaining, prompt, done, step] {
        if (remaining->empty()) {
            done(*state, QString());
            *step = nullptr;
            return;
        }
        const Need need = remaining->front();
        remaining->erase(remaining->begin());
        auto ask = [need, prompt, done, step] {
            const std::optional<QString> typed = prompt(need.what);
            if (!typed) {
                done(std::nullopt, QObject::tr("No password given: not connected."));
                *step = nullptr;
                return;
            }
            *need.field = *typed;
            (*step)();
        };
        if (state->secret_storage == SecretStorage::AskEachTime || !guard) {
            ask();
            return;
        }
        guard->read(
            need.key, [need, ask, step](std::optional<QString> secret, const QString& problem) {
                if (!secret) {
                    qCInfo(lcConsole) << "password not from the keychain, asking:" << problem;
                    ask();
                    return;
                }
                *need.field = *secret;
                (*step)();
            });
    };
    (*step)();
}

}  // namespace spillway
