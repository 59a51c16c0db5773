"""Shared word lists."""

from bot.lang.text import content_tokens

# Words that do not make a question specific (stemmed like the index).
GENERIC = frozenset(
    content_tokens(
        """exosome exosomes traitement traiter soin soins question savoir dire vrai vraiment faire
        marcher fonctionner utiliser utilisation produit produits chose gens personne exosomal
        treatment treatments use work possible peux peut normal sûr prévoir besoin obligatoire
        obligatoirement dedans dessus monde tout toujours jamais souvent vite longtemps exactement
        vraiment réellement forcément aujourd'hui maintenant déjà encore combien quel quelle quels
        quelles lequel laquelle chez moi toi nous vrai faux oui non svp merci bonjour dire expliquer
        savoir connaître comprendre voir venir mettre prendre donner aider conseiller penser croire
        fois jour jours semaine mois an ans année années vendre vendu vendus bon bonne bien meilleur
        recevoir obtenir commencer arrêter continuer essayer choisir trouver chercher demander
        répondre attendre rester devenir sembler paraître laisser passer porter changer garder montrer
        parler aller venir sortir entrer arriver partir revenir tenir suivre vivre mettre rendre
        fait faits faite faites
        mieux mauvais grand petit"""
    )
)
