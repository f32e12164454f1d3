/**
 * @module The words of a community's own pages (its page, the invitation, the welcome), in every
 * page language: kept apart from the home's tables, which a single home never needs.
 */
export interface CommunityMessages {
  code: string;
  members: string;
  noMembers: string;
  planet: string;
  planetLead: string;
  planetEmpty: string;
  feedRss: string;
  feedAtom: string;
  feedJson: string;
  status: string;
  statusTitle: string;
  statusHome: string;
  statusSources: string;
  statusFailing: string;
  statusChecked: string;
  statusItems: string;
  never: string;
  unknownHostTitle: string;
  unknownHost: string;
  goToCommunity: string;
  joinTitle: string;
  joinLead: string;
  joinSubmit: string;
  joinFix: string;
  inviteUsedTitle: string;
  inviteUsed: string;
  inviteExpired: string;
  inviteUnknown: string;
  handleFormat: string;
  handleReserved: string;
  handleTaken: string;
  communityFull: string;
  welcomeTitle: string;
  welcomeLead: string;
  welcomeSecret: string;
  welcomeSecretHint: string;
  welcomeHandle: string;
  welcomeSignIn: string;
  welcomeNext: string;
  welcomeRelMe: string;
  welcomeNoAccounts: string;
  welcomeStatus: string;
}

export const communityEn: CommunityMessages = {
  code: "en",
  members: "Members",
  noMembers: "Nobody has joined yet.",
  planet: "Latest from the members",
  planetLead: "Posts and activity of the members who chose to appear here.",
  planetEmpty: "Nothing yet.",
  feedRss: "RSS",
  feedAtom: "Atom",
  feedJson: "JSON Feed",
  status: "Status",
  statusTitle: "Status of the homes",
  statusHome: "Home",
  statusSources: "Sources",
  statusFailing: "Failing",
  statusChecked: "Last checked",
  statusItems: "Items",
  never: "never",
  unknownHostTitle: "No home here",
  unknownHost: "No home of this community answers at this address.",
  goToCommunity: "Go to the community's page",
  joinTitle: "Make your home",
  joinLead: "Your home is your own address on the web: one page with all your accounts, one feed of everything you post. It takes a minute.",
  joinSubmit: "Make my home",
  joinFix: "Something needs fixing: see the messages next to the fields.",
  inviteUsedTitle: "This invitation cannot be used",
  inviteUsed: "This invitation was already used. Ask the community for a new one.",
  inviteExpired: "This invitation has expired. Ask the community for a new one.",
  inviteUnknown: "This invitation does not exist. Check the link, or ask the community for a new one.",
  handleFormat: "Use 2 to 30 lowercase letters, digits or dashes (not at the start or the end).",
  handleReserved: "This address is reserved: choose another.",
  handleTaken: "Someone already has this address: choose another.",
  communityFull: "The community is full for now.",
  welcomeTitle: "Your home is ready",
  welcomeLead: "Welcome! Your home is at {url}.",
  welcomeSecret: "Your secret",
  welcomeSecretHint: "This is the only time it is shown. Save it in your password manager now (the button below offers to): you sign in to your home with it.",
  welcomeHandle: "Your address",
  welcomeSignIn: "Save and go to my home",
  welcomeNext: "What to do next",
  welcomeRelMe: "On each of your accounts, put {url} in the website field of your profile: your home then shows the account as verified.",
  welcomeNoAccounts: "Add your accounts later from your home's profile page.",
  welcomeStatus: "Your home's status page shows which accounts are verified: {url}",
};

export const communityFr: CommunityMessages = {
  code: "fr",
  members: "Membres",
  noMembers: "Personne n'a encore rejoint la communauté.",
  planet: "Les dernières nouvelles des membres",
  planetLead: "Les publications et l'activité des membres qui ont choisi d'apparaître ici.",
  planetEmpty: "Rien pour l'instant.",
  feedRss: "RSS",
  feedAtom: "Atom",
  feedJson: "JSON Feed",
  status: "État",
  statusTitle: "État des maisons",
  statusHome: "Maison",
  statusSources: "Sources",
  statusFailing: "En échec",
  statusChecked: "Dernière vérification",
  statusItems: "Éléments",
  never: "jamais",
  unknownHostTitle: "Aucune maison ici",
  unknownHost: "Aucune maison de cette communauté ne répond à cette adresse.",
  goToCommunity: "Aller à la page de la communauté",
  joinTitle: "Créez votre maison",
  joinLead: "Votre maison, c'est votre adresse à vous sur le web : une page avec tous vos comptes, un flux de tout ce que vous publiez. Cela prend une minute.",
  joinSubmit: "Créer ma maison",
  joinFix: "Quelque chose est à corriger : voyez les messages à côté des champs.",
  inviteUsedTitle: "Cette invitation ne peut pas servir",
  inviteUsed: "Cette invitation a déjà servi. Demandez-en une nouvelle à la communauté.",
  inviteExpired: "Cette invitation a expiré. Demandez-en une nouvelle à la communauté.",
  inviteUnknown: "Cette invitation n'existe pas. Vérifiez le lien, ou demandez-en une nouvelle à la communauté.",
  handleFormat: "Utilisez de 2 à 30 lettres minuscules, chiffres ou tirets (pas au début ni à la fin).",
  handleReserved: "Cette adresse est réservée : choisissez-en une autre.",
  handleTaken: "Quelqu'un a déjà cette adresse : choisissez-en une autre.",
  communityFull: "La communauté est complète pour l'instant.",
  welcomeTitle: "Votre maison est prête",
  welcomeLead: "Bienvenue ! Votre maison est à l'adresse {url}.",
  welcomeSecret: "Votre secret",
  welcomeSecretHint: "Il n'est montré qu'une fois. Enregistrez-le maintenant dans votre gestionnaire de mots de passe (le bouton ci-dessous le propose) : c'est avec lui que vous vous connectez à votre maison.",
  welcomeHandle: "Votre adresse",
  welcomeSignIn: "Enregistrer et aller à ma maison",
  welcomeNext: "Et maintenant",
  welcomeRelMe: "Sur chacun de vos comptes, mettez {url} dans le champ « site web » de votre profil : votre maison montre alors le compte comme vérifié.",
  welcomeNoAccounts: "Ajoutez vos comptes plus tard depuis la page de profil de votre maison.",
  welcomeStatus: "La page d'état de votre maison montre quels comptes sont vérifiés : {url}",
};

/** The community table for a page language (English when unknown). */
export function communityMessages(code: string): CommunityMessages {
  return code === "fr" ? communityFr : communityEn;
}
