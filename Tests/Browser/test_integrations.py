"""« Accès machine et événements » as an administrator uses it (issue 16): a machine client and an endpoint
registered through the pages, with their refusals next to the fields, each page checked by axe and the Nu checker."""
from conftest import check, sign_in, sign_out, visit


def test_administrator_registers_a_machine_client_and_an_endpoint(page):
    sign_in(page, "admin@ucanss.fr")
    visit(page, "/administration", "administration-integrations-lien")
    page.get_by_role("link", name="Accès machine et événements").click()
    check(page, "acces-machine")

    page.get_by_label("Nom du client (facultatif)").fill("Synchronisation Grève")
    page.get_by_label("Périmètre").select_option(label="Grève")
    page.get_by_role("button", name="Enregistrer le client").click()
    check(page, "acces-machine-erreurs")
    assert page.get_by_text("Choisissez au moins une portée.").first.is_visible()
    page.get_by_label("rights:read").check()
    page.get_by_label("rights:write").check()
    page.get_by_role("button", name="Enregistrer le client").click()
    check(page, "client-machine-secret")
    assert page.get_by_text("Habilis n’en garde qu’une empreinte").is_visible()
    page.get_by_role("link", name="Retour à l’accès machine et aux événements").click()
    assert page.get_by_role("cell", name="Synchronisation Grève", exact=True).is_visible()
    assert page.get_by_role("cell", name="rights:read rights:write", exact=True).is_visible()

    page.get_by_label("Application").select_option(label="Grève")
    page.get_by_label("Adresse (https)").fill("ftp://greve.ucanss.fr/evenements")
    page.get_by_role("button", name="Enregistrer le point de réception").click()
    assert page.get_by_text("doit commencer par https://").first.is_visible()
    page.get_by_label("Adresse (https)").fill("https://greve.ucanss.fr/evenements")
    page.get_by_role("button", name="Enregistrer le point de réception").click()
    check(page, "point-de-reception-secret")
    assert page.get_by_text("whsec_").is_visible()
    page.get_by_role("link", name="Retour à l’accès machine et aux événements").click()
    page.get_by_role("link", name="Envois vers https://greve.ucanss.fr/evenements").click()
    check(page, "journal-des-envois")
    page.get_by_role("button", name="Supprimer ce point de réception").click()
    assert page.get_by_text("Le point de réception a été supprimé").is_visible()
    page.get_by_role("button", name="Supprimer : Synchronisation Grève").click()
    assert page.get_by_text("Le client machine a été supprimé").is_visible()
    sign_out(page)
