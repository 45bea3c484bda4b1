/**
 * The mask classifier for inference: network definition ({@code MaskNet}), metadata validated at
 * load, the shared face pre-processing, class activation maps.
 */
package io.maskwatch.model;
