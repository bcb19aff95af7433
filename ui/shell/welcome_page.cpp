#include "ui/shell/welcome_page.h"

#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

#include "ui/widgets/card.h"
#include "ui/widgets/theme.h"

namespace spillway {

WelcomePage::WelcomePage(QWidget* parent)
    : QWidget(parent),
      headline_(new QLabel(tr("No connection"))),
      explanation_(new QLabel(
          tr("Spillway is not connected to a Kafka cluster and a PostgreSQL database.\n\n"
             "Start the embedded demo to run the whole pipeline on this machine: a mock Kafka "
             "cluster, a private PostgreSQL server and a load generator producing sample events. "
             "To use your own Kafka and PostgreSQL, create a connection profile (Ctrl+O), or start "
             "spillway with --bootstrap-servers and --pg."))),
      problem_(new QLabel),
      demo_button_(new QPushButton(tr("Start the embedded demo"))),
      profiles_button_(new QPushButton(tr("Connect with a profile…"))),
      progress_(new QProgressBar),
      step_(new QLabel) {
    setObjectName(QStringLiteral("page_welcome"));
    demo_button_->setObjectName(QStringLiteral("button_start_demo"));
    profiles_button_->setObjectName(QStringLiteral("button_profiles"));
    profiles_button_->setToolTip(tr("Create, test, edit and connect saved profiles (Ctrl+O)"));
    profiles_button_->setMinimumWidth(300);
    progress_->setObjectName(QStringLiteral("progress_starting"));
    step_->setObjectName(QStringLiteral("label_starting_step"));
    problem_->setObjectName(QStringLiteral("label_start_problem"));

    QFont headline_font = headline_->font();
    headline_font.setPointSizeF(headline_font.pointSizeF() * 1.8);
    headline_font.setWeight(QFont::DemiBold);
    headline_->setFont(headline_font);

    explanation_->setWordWrap(true);
    problem_->setWordWrap(true);
    problem_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    step_->setWordWrap(true);
    for (QLabel* label : {headline_, explanation_, problem_, step_})
        label->setAlignment(Qt::AlignHCenter);

    QPalette problem_palette = problem_->palette();
    problem_palette.setColor(QPalette::WindowText, theme::tone_color(theme::Tone::Bad, palette()));
    problem_->setPalette(problem_palette);

    QFont button_font = demo_button_->font();
    button_font.setPointSizeF(button_font.pointSizeF() * 1.25);
    button_font.setWeight(QFont::DemiBold);
    demo_button_->setFont(button_font);
    demo_button_->setMinimumSize(300, 52);
    demo_button_->setDefault(true);
    demo_button_->setCursor(Qt::PointingHandCursor);

    progress_->setRange(0, 0);  // indeterminate: start-up has no measurable steps
    progress_->setTextVisible(false);
    progress_->setFixedWidth(300);

    auto* card = new Card;
    card->setFixedWidth(580);
    card->setContentsMargins(36, 32, 36, 32);
    auto* card_layout = new QVBoxLayout(card);
    card_layout->setContentsMargins(0, 0, 0, 0);
    card_layout->setSpacing(14);
    card_layout->addWidget(headline_);
    card_layout->addWidget(explanation_);
    card_layout->addWidget(problem_);
    card_layout->addSpacing(6);
    card_layout->addWidget(demo_button_, 0, Qt::AlignHCenter);
    card_layout->addWidget(profiles_button_, 0, Qt::AlignHCenter);
    card_layout->addWidget(progress_, 0, Qt::AlignHCenter);
    card_layout->addWidget(step_);

    // Centred by stretches, not by an alignment flag: an aligned item is asked for its height at
    // the full page width, which gives the wrapped text too few lines and cuts it off.
    auto* row = new QHBoxLayout;
    row->addStretch(1);
    row->addWidget(card);
    row->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->addStretch(1);
    layout->addLayout(row);
    layout->addStretch(2);

    connect(demo_button_, &QPushButton::clicked, this, &WelcomePage::demoRequested);
    connect(profiles_button_, &QPushButton::clicked, this, &WelcomePage::profilesRequested);
    showIdle();
}

void WelcomePage::showIdle(const QString& problem) {
    headline_->setText(tr("No connection"));
    explanation_->setVisible(true);
    // The full message is in the dialog that reported it; a server's log excerpt would make this
    // page scroll.
    constexpr int kShownCharacters = 300;
    const QString summary = problem.simplified();  // server messages come with tabs and newlines
    problem_->setText(summary.size() > kShownCharacters ? summary.left(kShownCharacters) + u'…'
                                                        : summary);
    problem_->setToolTip(problem);
    problem_->setVisible(!problem.isEmpty());
    demo_button_->setVisible(true);
    demo_button_->setEnabled(true);
    profiles_button_->setVisible(true);
    progress_->setVisible(false);
    step_->setVisible(false);
}

void WelcomePage::showBusy(const QString& step) {
    headline_->setText(tr("Starting…"));
    explanation_->setVisible(false);
    problem_->setVisible(false);
    demo_button_->setVisible(false);
    profiles_button_->setVisible(false);
    progress_->setVisible(true);
    step_->setText(step);
    step_->setVisible(true);
}

}  // namespace spillway
