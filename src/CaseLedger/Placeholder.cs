namespace CaseLedger; public static class Placeholder {}
