import Foundation
import Testing

@testable import HabilisApp

/// « Absences et suppléance », against committed snapshots.
@Suite("Pages of absences: snapshots")
struct AbsencePagesSnapshotTests {
    @Test("a correspondent's absences with a refused form; a deputy's view; an administrator's for a correspondent")
    func absences() {
        var form = AbsenceForm()
        form.du = "2026-03-01"
        form.au = "2026-03-05"
        form.suppleant = Fixture.hostile
        let rows = [
            AbsencesPage.Row(
                firstDay: "3 mars 2026", lastDay: "12 mars 2026", deputy: "Paul Martin (p.martin@assurance-maladie.fr)",
                hasBegun: true, endURL: "/absences/a1/fin"),
            AbsencesPage.Row(
                firstDay: "1 avril 2026", lastDay: "3 avril 2026", deputy: nil, hasBegun: false,
                endURL: "/absences/a2/fin"),
        ]
        assertPage(
            AbsencesPage(
                frame: Fixture.frame(.correspondent, path: Paths.myAbsences), heading: "Absences et suppléance",
                isOwn: true, canDeclare: true, standsInFor: [], absences: rows, action: Paths.myAbsences, form: form,
                errors: Fixture.errors(
                    ("du", "Le premier jour d’absence ne peut pas être passé."),
                    ("suppleant", "Le suppléant doit être un autre correspondant local de votre organisme."))),
            "refused")
        assertPage(
            AbsencesPage(
                frame: Fixture.frame(.agent, path: Paths.myAbsences), heading: "Absences et suppléance", isOwn: true,
                canDeclare: false, standsInFor: ["Marie Durand, jusqu’au 12 mars 2026"], absences: [],
                action: Paths.myAbsences, form: AbsenceForm(), errors: FormErrors()),
            "deputy")
        assertPage(
            AbsencesPage(
                frame: Fixture.frame(.administrator, path: "/administration/agents/m1/absences"),
                heading: "Absences et suppléance de " + Fixture.hostile, isOwn: false, canDeclare: true,
                standsInFor: [], absences: [], action: "/administration/agents/m1/absences", form: AbsenceForm(),
                errors: FormErrors()),
            "administrator")
    }
}
